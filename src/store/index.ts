// Storage of Noodle values: the value codec (see codec.ts for the format).
export {
  CORRUPT_DATA,
  CodecError,
  FORMAT_VERSION,
  MAX_DEPTH,
  MAX_TENSOR_DIMS,
  decodeValue,
  encodeValue,
  valueHash,
  type ArrayValue,
  type StoredValue,
} from "./codec.js";

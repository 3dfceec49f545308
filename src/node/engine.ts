// What Node's engine needs before the core is loaded; importing this module is enough. Node 20's
// V8 (11.3) has relaxed SIMD behind a flag; V8 turns it on by default from 11.4 (Node 22).
// Setting the flag before any WebAssembly is compiled lets the core choose its build with fused
// multiply-add, as it does in browsers: 1.4 to 1.5 times the plain build's speed for matrix
// products and the inverse here.
import { setFlagsFromString } from "node:v8";
import { setBase64Decoder } from "../runtime/core.js";

const [major, minor] = process.versions.v8.split(".").map(Number);
if (major < 11 || (major === 11 && minor < 4)) setFlagsFromString("--experimental-wasm-relaxed-simd");

// the embedded core is decoded natively (Node 20 has no Uint8Array.fromBase64)
setBase64Decoder((text) => Buffer.from(text, "base64"));

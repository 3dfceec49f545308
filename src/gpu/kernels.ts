// The VM's f32 array work as tfjs operations: which operations the GPU takes, and each one from
// inputs on the GPU to its result read back. Functions whose WebGPU precision is not bounded
// well enough (sin, cos, tan: an absolute 2^-11 in WGSL) and round (tfjs rounds halves to even,
// Noodle away from zero) are not taken.

import type * as TfCore from "@tensorflow/tfjs-core";
import { BUILTIN_ID } from "../bytecode/builtin-table.js";

type Tf = typeof TfCore;

type Tensor = ReturnType<Tf["tensor1d"]>;

/** Array operations as the core offers them (assembly/vm/array-offers.ts). */
export const ARRAY_OP = { map: 0, pow: 1, zip: 2, reduce: 3 } as const;

const id = (name: string): number => BUILTIN_ID.get(name)!;

const MAPS = new Map<number, (tf: Tf, x: Tensor) => Tensor>([
  [id("abs"), (tf, x) => tf.abs(x)],
  [id("sqrt"), (tf, x) => tf.sqrt(x)],
  [id("exp"), (tf, x) => tf.exp(x)],
  [id("log"), (tf, x) => tf.log(x)],
  [id("floor"), (tf, x) => tf.floor(x)],
  [id("ceil"), (tf, x) => tf.ceil(x)],
]);

/** The core's elementwise codes (EW_ADD ... EW_POW of assembly/linalg/ops.ts). */
const ZIPS: ((tf: Tf, a: Tensor, b: Tensor) => Tensor)[] = [
  (tf, a, b) => tf.add(a, b),
  (tf, a, b) => tf.sub(a, b),
  (tf, a, b) => tf.mul(a, b),
  (tf, a, b) => tf.div(a, b),
  (tf, a, b) => power(tf, a, b),
];

const REDUCTIONS = new Map<number, (tf: Tf, x: Tensor) => Tensor>([
  [id("sum"), (tf, x) => tf.sum(x)],
  [id("mean"), (tf, x) => tf.mean(x)],
  [id("amin"), (tf, x) => tf.min(x)],
  [id("amax"), (tf, x) => tf.max(x)],
]);

/** x ** y as the core computes it: a square exactly, as x .* x. */
function power(tf: Tf, x: Tensor, y: Tensor | number): Tensor {
  if (y === 2) return tf.mul(x, x);
  return tf.pow(x, typeof y === "number" ? tf.scalar(y) : y);
}

/** Whether the GPU takes array operation `kind` with `op`. */
export function gpuTakes(kind: number, op: number): boolean {
  if (kind === ARRAY_OP.map) return MAPS.has(op);
  if (kind === ARRAY_OP.reduce) return REDUCTIONS.has(op);
  if (kind === ARRAY_OP.zip) return op >= 0 && op < ZIPS.length;
  return kind === ARRAY_OP.pow;
}

/**
 * The product of an m x k and a k x n matrix on the GPU (tensors there), flat as every array kept
 * there is: a later elementwise operation may pair it with an uploaded array.
 */
export function gpuProduct(tf: Tf, a: Tensor, b: Tensor, m: number, k: number, n: number): Tensor {
  return tf.reshape(tf.matMul(tf.reshape(a, [m, k]), tf.reshape(b, [k, n])), [m * n]);
}

/** Array operation `kind` (see gpuTakes) on tensors on the GPU; for a reduction a scalar. */
export function gpuArrayOp(tf: Tf, kind: number, op: number, a: Tensor, b: Tensor | undefined, x: number): Tensor {
  switch (kind) {
    case ARRAY_OP.map:
      return MAPS.get(op)!(tf, a);
    case ARRAY_OP.pow:
      return power(tf, a, x);
    case ARRAY_OP.zip:
      return ZIPS[op](tf, a, b!);
    default:
      return REDUCTIONS.get(op)!(tf, a);
  }
}

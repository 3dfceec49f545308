// The core's own kernels for the f32 array work it offers the host (array-offers.ts), on raw
// memory: what the host's cost model times the GPU against.
import { DTYPE_F32 } from "../heap/layout";
import { mapF32, powF32 } from "../linalg/elementwise";
import { zipF32 } from "../linalg/ops";
import { reduceRun } from "../linalg/reduce";
import { AO_MAP, AO_POW, AO_ZIP } from "./array-offers";

/** Computes offered operation `kind` here, as the core would have (arguments as hostArrayOp's). */
export function arrayOpInto(kind: u32, op: u32, a: u32, b: u32, out: u32, n: u32, x: f64): void {
  if (kind == AO_MAP) mapF32(op, a, out, n);
  else if (kind == AO_POW) powF32(a, out, n, x);
  else if (kind == AO_ZIP) zipF32(op, a, b, out, n);
  else store<f64>(out, reduceRun(op, a, 0, n, 1, DTYPE_F32));
}

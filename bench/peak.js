#!/usr/bin/env node
// The machine's ceiling for 128-bit WebAssembly SIMD arithmetic, the yardstick for the matrix
// product: node bench/peak.js [--seconds S]
//
// Each probe is a WebAssembly function, assembled here byte by byte so that nothing optimises
// it, whose loop updates CHAINS independent vector accumulators: acc = acc * x + y, as a
// multiply then an add (what the plain build's kernels do) or as one relaxed_madd (fused in the
// relaxed build). CHAINS exceeds latency x issue width, so the loop runs at the arithmetic
// units' throughput. One JSON line per probe: {"probe", "gflops", "ms", "iterations"}. The
// relaxed probes need `node --experimental-wasm-relaxed-simd` on Node 20; without it they
// print a skipped line.

const CHAINS = 12;
const UNROLL = 4; // copies of the chain updates per loop iteration, to dilute the loop's own cost

// SIMD opcodes (after the 0xfd prefix), as LEB128 bytes.
const OP = {
  f64: { splat: [0x14], add: [0xf0, 0x01], mul: [0xf2, 0x01], madd: [0x87, 0x02], lane: [0x21], lanes: 2 },
  f32: { splat: [0x13], add: [0xe4, 0x01], mul: [0xe6, 0x01], madd: [0x85, 0x02], lane: [0x1f], lanes: 4 },
};

const uleb = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const vec = (items) => [...uleb(items.length), ...items.flat()];
const f64const = (x) => [0x44, ...new Uint8Array(new Float64Array([x]).buffer)];

/** A module exporting run(iterations: i32) -> f64 for one dtype and one form (fused or not). */
function probeModule(dtype, fused) {
  const op = OP[dtype];
  const simd = (code) => [0xfd, ...code];
  const [n, x, y] = [0, 1, 2]; // locals: the counter (parameter), then v128 x, y, acc[0..CHAINS)
  const acc = (i) => 3 + i;
  const get = (l) => [0x20, ...uleb(l)];
  const set = (l) => [0x21, ...uleb(l)];
  const splat = (v) => [...f64const(v), ...(dtype === "f32" ? [0xb6] : []), ...simd(op.splat)]; // f32.demote_f64
  const body = [];
  body.push(...splat(0.999999), ...set(x), ...splat(1e-6), ...set(y));
  for (let i = 0; i < CHAINS; i++) body.push(...splat(i), ...set(acc(i)));
  body.push(0x02, 0x40, 0x03, 0x40); // block, loop
  for (let u = 0; u < UNROLL; u++) {
    for (let i = 0; i < CHAINS; i++) {
      if (fused) body.push(...get(acc(i)), ...get(x), ...get(y), ...simd(op.madd));
      else body.push(...get(acc(i)), ...get(x), ...simd(op.mul), ...get(y), ...simd(op.add));
      body.push(...set(acc(i)));
    }
  }
  // n -= 1; continue while n != 0
  body.push(...get(n), 0x41, 0x01, 0x6b, 0x22, ...uleb(n), 0x0d, 0x00, 0x0b, 0x0b);
  // the result depends on every accumulator, so no update is dead
  body.push(...get(acc(0)));
  for (let i = 1; i < CHAINS; i++) body.push(...get(acc(i)), ...simd(op.add));
  body.push(...simd(op.lane), 0x00);
  if (dtype === "f32") body.push(0xbb); // f64.promote_f32
  body.push(0x0b);
  const locals = vec([[...uleb(2 + CHAINS), 0x7b]]);
  const code = [...locals, ...body];
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // magic, version
  return new Uint8Array([
    ...header,
    ...section(1, vec([[0x60, 0x01, 0x7f, 0x01, 0x7c]])), // type (i32) -> f64
    ...section(3, vec([[0x00]])), // one function of type 0
    ...section(7, vec([[...vec([..."run"].map((c) => c.charCodeAt(0))), 0x00, 0x00]])), // export "run"
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

/** Best throughput of `run` over repeated timed calls lasting about `seconds` in all. */
function measure(run, flopsPerIteration, seconds) {
  let iterations = 1 << 16;
  while (true) {
    const t = performance.now();
    run(iterations);
    if (performance.now() - t > 50) break;
    iterations *= 2;
  }
  let best = Infinity;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    run(iterations);
    best = Math.min(best, performance.now() - t);
  }
  return { gflops: Math.round((flopsPerIteration * iterations) / best / 1e4) / 100, ms: Math.round(best * 100) / 100, iterations };
}

const arg = process.argv.indexOf("--seconds");
const seconds = arg > 0 ? Number(process.argv[arg + 1]) : 2;
if (!(seconds > 0)) {
  console.error("usage: node bench/peak.js [--seconds S]");
  process.exit(2);
}

for (const fused of [false, true]) {
  for (const dtype of ["f64", "f32"]) {
    const probe = `${dtype} ${fused ? "relaxed_madd" : "mul+add"}`;
    let instance;
    try {
      instance = new WebAssembly.Instance(new WebAssembly.Module(probeModule(dtype, fused)));
    } catch (e) {
      console.log(JSON.stringify({ probe, skipped: true, reason: `${/** @type {Error} */ (e).message} (Node 20: --experimental-wasm-relaxed-simd)` }));
      continue;
    }
    const flops = UNROLL * CHAINS * OP[dtype].lanes * 2;
    console.log(JSON.stringify({ probe, ...measure(instance.exports.run, flops, seconds) }));
  }
}

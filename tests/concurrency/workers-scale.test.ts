// Tasks and actors on workers at scale: bursts far larger than a lane's ring (about 1 MiB, some
// 25 000 messages) all arrive, in the order sent, and the run ends as without workers. Each
// program is run once without workers and with two; both must print the same and exit alike.
import { describe, expect, it } from "vitest";
import { cli, scratchFolder } from "../helpers.js";

const programs = scratchFolder("noodle-workers-scale-");
const TIMEOUT = 120_000;

/** The program's run without workers and with two, which must agree; returns the first. */
function sameWithWorkers(name: string, source: string): { code: number; stdout: string; stderr: string } {
  const path = programs.file(name, source);
  const alone = cli(["run", path]);
  expect(cli(["run", "--workers", "2", path])).toEqual(alone);
  return alone;
}

describe("noodle run --workers at scale", () => {
  it(
    "100 000 actors each sent one message all answer",
    () => {
      const out = sameWithWorkers(
        "actors.nc",
        `actor Cell {
  var hits = 0
  func hit(k) { hits += 1; return k * hits }
}
var fs = []
for i in 0..100000 {
  let c = spawn Cell()
  push(fs, c.hit(i))
}
let got = await all(fs)
print(len(got), sum(got), got[99999])
`,
      );
      expect(out).toEqual({ code: 0, stdout: "100000 4999950000 99999\n", stderr: "" });
    },
    TIMEOUT,
  );

  it(
    "50 000 messages from one sender reach the actor in the order sent",
    () => {
      const out = sameWithWorkers(
        "order.nc",
        `actor Log {
  var next = 0
  var wrong = 0
  func add(i) {
    if i != next { wrong += 1 }
    next = i + 1
    return i
  }
  func result() { return [next, wrong] }
}
let log = spawn Log()
for i in 0..50000 { log.add(i) }
print(await log.result())
`,
      );
      expect(out.stdout).toBe("[50000, 0]\n");
    },
    TIMEOUT,
  );

  it(
    "100 000 un-awaited messages to an actor whose handler keeps throwing end like one VM",
    () => {
      const out = sameWithWorkers(
        "failing.nc",
        `actor X {
  func f() { throw error(4321, "no") }
}
let x = spawn X()
for i in 0..100000 { x.f() }
print("done")
`,
      );
      expect(out.code).toBe(0);
      expect(out.stdout).toBe("done\n");
    },
    TIMEOUT,
  );
});

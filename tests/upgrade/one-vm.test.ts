import { describe, expect, it } from "vitest";
import { nextVersion, printed, start } from "./helpers.js";

// version 1 sends messages until `version()` says the program runs a later version
const V1 = `
actor Counter {
  var count = 0
  let label = "one"
  func inc() { count += 1 }
  func get() { return label + " " + str(count) }
}
func version() { return 1 }
let c = spawn Counter()
var sent = 0
while version() == 1 {
  c.inc()
  sent += 1
  await sleep(1)
}
print(await c.get())
print(sent)
`;

const V2 = `
actor Counter {
  var count = 0
  let label = "two"
  var extra = 7
  func inc() { count += 1 }
  func get() { return label + " " + str(count) + " " + str(extra) }
}
func version() { return 2 }
`;

describe("upgrading a running program in one VM", () => {
  it("switches functions for new calls and actors at their next message, carrying var fields", async () => {
    const live = await start(V1);
    await new Promise((r) => setTimeout(r, 50));
    const outcome = await live.up.upgrade(nextVersion(live.up, V2));
    expect(outcome).toEqual({ ok: true, version: 2 });
    const run = await live.run;
    expect(run.ok).toBe(true);
    const [got, sent] = printed(live).trim().split("\n");
    // every message sent was handled once, by one version or the other; the let field and the new
    // var take the new initialisers
    expect(got).toBe(`two ${sent} 7`);
    expect(Number(sent)).toBeGreaterThan(0);
  });
});

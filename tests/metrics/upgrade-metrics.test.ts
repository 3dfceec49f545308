// Upgrades are counted in the VM's registry and written to its event log as they happen: a
// switch, a refusal (1005) and a manual rollback each move their series.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/compile.js";
import type { EventFields, LogLevel } from "../../src/logs/event-log.js";
import { VM } from "../../src/runtime/vm.js";
import { nextVersion } from "../upgrade/helpers.js";
import { parsePrometheusText } from "./prometheus-text.js";

const V1 = `
actor Worker {
  var handled = 0
  func work() { handled += 1 }
}
func which() { return 1 }
let w = spawn Worker()
var stop = false
while !stop { await w.work(); await sleep(1) }
`;

function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = parsePrometheusText(text).get(name);
  return family?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe("upgrade series and events", () => {
  it("count switches, refusals and rollbacks, and log each", async () => {
    const c = compile(V1, { file: "prog.nc" });
    if (!c.ok || !c.module) throw new Error("does not compile");
    const logged: [LogLevel, string, EventFields | undefined][] = [];
    const vm = await VM.create({ stdout: () => {}, events: (level, event, fields) => logged.push([level, event, fields]) });
    const up = vm.upgrades(c.installs);
    const run = vm.runAsync(c.module);
    await new Promise((r) => setTimeout(r, 30));
    expect(value(vm.metrics.render(), "noodle_program_version")).toBe(1);

    expect(await up.upgrade(nextVersion(up, `actor Worker {\n  var handled = 0\n  func work() { handled += 2 }\n}\nfunc which() { return 2 }`))).toEqual({
      ok: true,
      version: 2,
    });
    // a version without the live actor's type is refused
    expect((await up.upgrade(nextVersion(up, "func which() { return 3 }"))).ok).toBe(false);
    expect(up.rollback()).toBe(true);

    const text = vm.metrics.render();
    expect(value(text, "noodle_upgrades_total", { outcome: "switched" })).toBe(1);
    expect(value(text, "noodle_upgrades_total", { outcome: "refused" })).toBe(1);
    expect(value(text, "noodle_rollbacks_total", { trigger: "manual" })).toBe(1);
    expect(value(text, "noodle_program_version")).toBe(1);
    // (a health window that ends, here when the next upgrade is asked for, logs "upgrade_healthy")
    const changes = logged.map(([level, event]) => `${level} ${event}`).filter((e) => e !== "info upgrade_healthy");
    expect(changes).toEqual(["info upgraded", "warn upgrade_refused", "warn rolled_back"]);
    expect(logged[0][2]).toMatchObject({ version: 2, trigger: "manual" });

    vm.setGlobal(up.base().slots.get("stop") as number, true);
    expect((await run).ok).toBe(true);
  });
});

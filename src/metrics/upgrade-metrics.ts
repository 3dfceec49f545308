// Upgrades of a running program (src/runtime/upgrade.ts) as series and log events: each switch,
// refusal and rollback is counted when it happens and written to the runtime's log.
import type { LogEvent } from "../logs/event-log.js";
import type { UpgradeEvent, Upgrades } from "../runtime/upgrade.js";
import type { MetricsRegistry } from "./registry.js";

export function observeUpgrades(registry: MetricsRegistry, upgrades: Upgrades, log: LogEvent | undefined): void {
  const outcomes = registry.counter("noodle_upgrades_total", "Upgrades asked for, by outcome (switched, refused)", ["outcome"]);
  const rollbacks = registry.counter("noodle_rollbacks_total", "Rollbacks to the previous version, by trigger", ["trigger"]);
  const version = registry.gauge("noodle_program_version", "The version of the program running (1 before any upgrade)");
  version.set(upgrades.version);
  upgrades.onEvent((e: UpgradeEvent) => {
    version.set(upgrades.version);
    switch (e.kind) {
      case "upgraded":
        outcomes.inc(1, ["switched"]);
        log?.("info", "upgraded", { version: e.version, actors: e.actors, trigger: e.trigger, pause_ms: e.pauseMs });
        return;
      case "refused":
        outcomes.inc(1, ["refused"]);
        log?.("warn", "upgrade_refused", { version: e.version, reason: e.reason });
        return;
      case "rolled-back":
        rollbacks.inc(1, [e.trigger]);
        log?.("warn", "rolled_back", { from: e.from, to: e.to, trigger: e.trigger, reason: e.reason });
        return;
      case "node-switched":
        log?.("info", "upgrade_node_switched", { version: e.version, peer: e.node });
        return;
      case "healthy":
        log?.("info", "upgrade_healthy", { version: e.version });
        return;
    }
  });
}

// The `cluster` suite: a program's tasks and actors on the nodes of a cluster, on a nats-server
// and NODES node processes this benchmark starts on loopback (see node/cluster-fixture.js).
//
// Cases:
//   task-roundtrip  spawn + await of an empty task on a node, one at a time (p50_us, p99_us),
//                   against a plain NATS request/reply between two processes (`nats`, the floor
//                   with the NATS client) and a loopback TCP round trip (`tcp`, the machine's)
//   tasks-100k      100 000 tiny tasks spawned, then awaited at once (per_s)
//   actor-call      a call of an actor on a node, awaited before the next (p50_us, p99_us)
//   recovery        `ms` from the SIGKILL of the node an actor lives on to its first answer from
//                   another node (the actor restarted there): the median over the runs, warm-up
//                   included; `run_ms` is the harness's time of a whole run
//
// Cases run under Node only, with nats-server installed.

import { natsImpl } from "../impls/nats-roundtrip.js";
import { clusterImpl } from "../impls/noodle-cluster.js";
import { tcpImpl } from "../impls/tcp-roundtrip.js";
import { takeLatencies, takeTailFields } from "../latencies.js";

const TIMED = 2000;
const WARMUP = 500;
const N = 100000;

export const name = "cluster";
export const defaults = { warmup: 1, runs: 3 };

export const peers = [clusterImpl("noodle"), natsImpl(TIMED, WARMUP), tcpImpl(TIMED, WARMUP)];

export const cases = [
  {
    name: "task-roundtrip",
    params: { tasks: TIMED, warmup_tasks: WARMUP },
    sources: { cluster: "programs/cluster_roundtrip.nc", nats: "peers/js/nats_echo.js", tcp: "peers/js/tcp_echo.js" },
    expected: `${TIMED}\n`,
    derive: takeTailFields,
  },
  {
    name: "tasks-100k",
    params: { tasks: N },
    sources: { cluster: "programs/cluster_tasks_100k.nc" },
    expected: `${(N * (N - 1)) / 2}\n`,
    derive: (line) => ({ per_s: Math.round((N * 1000) / line.ms) }),
  },
  {
    name: "actor-call",
    params: { calls: TIMED, warmup_calls: WARMUP },
    sources: { cluster: "programs/cluster_actor_call.nc" },
    expected: `${(TIMED * (TIMED - 1)) / 2}\n`,
    derive: takeTailFields,
  },
  {
    name: "recovery",
    kills: true,
    sources: { cluster: "programs/cluster_recovery.nc" },
    expected: "moved\n",
    derive: (line) => {
      const times = takeLatencies().sort((a, b) => a - b);
      return times.length ? { ms: times[Math.floor(times.length / 2)], run_ms: line.ms } : {};
    },
  },
];

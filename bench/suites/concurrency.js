// The `concurrency` suite: tasks and actors on one VM (fibers and the core's scheduler), Noodle
// against the same work with JavaScript promises (in-process). Worker pools come later.

const sources = (name) => ({
  noodle: `programs/${name}.nc`,
  js: `peers/js/${name}.js`,
});

const N = 100000;
const round1 = (x) => Math.round(x * 10) / 10;

export const name = "concurrency";

export const peers = ["js"];

export const cases = [
  {
    name: "spawn-await",
    params: { tasks: N },
    sources: sources("spawn_await"),
    expected: `${N}\n`,
    derive: (line) => ({ us_per_round_trip: round1((line.ms * 1000) / N) }),
  },
  {
    name: "actor-call",
    params: { calls: N },
    sources: sources("actor_call"),
    expected: `${N}\n`,
    derive: (line) => ({ us_per_call: round1((line.ms * 1000) / N) }),
  },
  {
    name: "tasks-100k",
    params: { tasks: N },
    sources: sources("tasks_100k"),
    expected: `${(N * (N - 1)) / 2}\n`,
    derive: (line) => ({ ktasks_per_s: round1(N / line.ms) }),
  },
];

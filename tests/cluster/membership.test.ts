// Membership in the cluster's KV bucket: nodes announce themselves, claim their names with
// compare-and-swap, leave by deleting their record, and are declared dead when they fall silent.
import { spawn } from "node:child_process";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectCluster } from "../../src/cluster/connect.js";
import { type LocalNats, startLocalNats } from "../../src/cluster/local-server.js";
import { listNodes, Membership, type MembershipEvent, NodeAnnouncer, openNodesBucket } from "../../src/cluster/membership.js";
import { decodeNodeRecord, encodeNodeRecord } from "../../src/cluster/node-record.js";
import { NoodleRuntimeError } from "../../src/runtime/runtime-error.js";
import { ROOT } from "../helpers.js";
import { natsSuiteRuns, nodeRecord, until } from "./nats-server.js";

describe("node records from the network", () => {
  it("decode when whole and well-formed", () => {
    const r = nodeRecord("n-1", { workers: 4, load: 1.5, tasks: 3, actors: 2, labels: ["gpu", "zone=a"] });
    expect(decodeNodeRecord(encodeNodeRecord(r), "n-1")).toEqual(r);
  });

  it("are refused when they are not JSON, have another shape or another name than their key", () => {
    const good = nodeRecord("n-1");
    const bad: unknown[] = [
      { ...good, name: "n-2" },
      { ...good, name: "a.b" },
      { ...good, workers: -1 },
      { ...good, tasks: 1.5 },
      { ...good, load: "high" },
      { ...good, startedAt: null },
      { ...good, labels: "gpu" },
      { ...good, labels: Array(33).fill("x") },
      { ...good, labels: ["has space"] },
      [good],
      null,
      42,
    ];
    for (const value of bad) expect(decodeNodeRecord(new TextEncoder().encode(JSON.stringify(value)), "n-1"), JSON.stringify(value)).toBeUndefined();
    expect(decodeNodeRecord(new TextEncoder().encode("{not json"), "n-1")).toBeUndefined();
    expect(decodeNodeRecord(new Uint8Array([0xff, 0xfe]), "n-1")).toBeUndefined();
    expect(decodeNodeRecord(new TextEncoder().encode(JSON.stringify({ ...good, labels: [" ".repeat(9000)] })), "n-1")).toBeUndefined();
  });
});

describe.runIf(natsSuiteRuns())("membership", () => {
  let nats: LocalNats;
  const connections: NatsConnection[] = [];
  const announcers: NodeAnnouncer[] = [];
  const watches: Membership[] = [];

  const connection = async () => {
    const nc = await connectCluster(nats.url);
    connections.push(nc);
    return nc;
  };
  const announce = async (name: string, options: Parameters<typeof NodeAnnouncer.start>[2] = {}) => {
    const a = await NodeAnnouncer.start(await connection(), () => nodeRecord(name, { startedAt: 1000 }), options);
    announcers.push(a);
    return a;
  };
  const watch = async () => {
    const m = await Membership.watch(await connection());
    watches.push(m);
    const events: MembershipEvent[] = [];
    m.onChange((e) => events.push(e));
    const saw = (kind: MembershipEvent["kind"], name: string) => events.some((e) => e.kind === kind && e.node.name === name);
    return { m, events, saw };
  };
  const names = (nodes: { name: string }[]) => nodes.map((n) => n.name);

  beforeAll(async () => {
    nats = await startLocalNats();
  });
  afterEach(async () => {
    await Promise.all(announcers.splice(0).map((a) => a.stop()));
    await Promise.all(watches.splice(0).map((m) => m.close()));
    await Promise.all(connections.splice(0).map((nc) => nc.close()));
    // every test starts from an empty bucket
    const nc = await connectCluster(nats.url);
    const kv = await openNodesBucket(nc);
    for await (const key of await kv.keys()) await kv.purge(key);
    await nc.close();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it("sees two announcing nodes live, sorted by name, with their records", async () => {
    const { m, saw } = await watch();
    await announce("beta");
    await announce("alpha");
    await until(() => saw("joined", "alpha") && saw("joined", "beta"), 5000, "both nodes to join");
    expect(names(m.live())).toEqual(["alpha", "beta"]);
    expect(m.live()[0]).toEqual(nodeRecord("alpha", { startedAt: 1000 }));
    expect(names(await listNodes(await connection()))).toEqual(["alpha", "beta"]);
  });

  it("creates the bucket once when two nodes start together", async () => {
    const [a, b] = await Promise.all([announce("one"), announce("two")]);
    expect(a).toBeInstanceOf(NodeAnnouncer);
    expect(b).toBeInstanceOf(NodeAnnouncer);
    expect(names(await listNodes(await connection()))).toEqual(["one", "two"]);
  });

  it("refuses a name that a live node holds", async () => {
    await announce("same");
    const e = await announce("same").then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(NoodleRuntimeError);
    expect((e as NoodleRuntimeError).code).toBe(9001);
    expect((e as NoodleRuntimeError).message).toBe("a node named same is already in the cluster");
  });

  it("gives a name to one of two nodes claiming it at once, and refuses the other", async () => {
    const outcomes = await Promise.allSettled([announce("twin"), announce("twin")]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect((refused.reason as NoodleRuntimeError).code).toBe(9001);
    expect(names(await listNodes(await connection()))).toEqual(["twin"]);
  });

  it("refuses a name that is not one subject token", async () => {
    const e = await NodeAnnouncer.start(await connection(), () => nodeRecord("a.b")).catch((err: unknown) => err);
    expect((e as NoodleRuntimeError).code).toBe(9001);
  });

  it("sees a stopped node leave", async () => {
    const { m, saw } = await watch();
    const a = await announce("leaver");
    await until(() => saw("joined", "leaver"), 5000, "the node to join");
    await a.stop();
    await until(() => saw("left", "leaver"), 5000, "the node to leave");
    expect(m.live()).toEqual([]);
    expect(saw("dead", "leaver")).toBe(false);
  });

  it("declares a silent node dead, and it joins again when it announces", async () => {
    const { m, events, saw } = await watch();
    const a = await announce("silent");
    await announce("steady");
    await until(() => saw("joined", "silent") && saw("joined", "steady"), 5000, "both nodes to join");
    a.halt();
    await until(() => saw("dead", "silent"), 5000, "the silent node to be declared dead");
    expect(names(m.live())).toEqual(["steady"]);
    expect(saw("left", "silent")).toBe(false);
    // not listed, though its record is still in the bucket
    expect(names(await listNodes(await connection()))).toEqual(["steady"]);
    // the name of a dead node is free: it is taken over with compare-and-swap
    await announce("silent");
    await until(() => m.live().length === 2, 5000, "the node to join again");
    expect(events.filter((e) => e.node.name === "silent").map((e) => e.kind)).toEqual(["joined", "dead", "joined"]);
  });

  it("declares a node dead when its connection closes abruptly", async () => {
    const { m, saw } = await watch();
    const nc = await connectCluster(nats.url);
    await NodeAnnouncer.start(nc, () => nodeRecord("cut"));
    await until(() => saw("joined", "cut"), 5000, "the node to join");
    await nc.close();
    await until(() => saw("dead", "cut"), 5000, "the cut node to be declared dead");
    expect(m.live()).toEqual([]);
  });

  it("stops announcing and says so when another node takes its name", async () => {
    let lost = 0;
    await announce("taken", { onLost: () => lost++ });
    const kv = await openNodesBucket(await connection());
    await kv.put("taken", encodeNodeRecord(nodeRecord("taken", { workers: 9 })));
    await until(() => lost === 1, 5000, "the announcer to lose its name");
    await new Promise((r) => setTimeout(r, 600));
    expect(lost).toBe(1);
    expect(decodeNodeRecord((await kv.get("taken"))!.value, "taken")?.workers).toBe(9);
  });

  it("keeps announcing the last good record when the current one is not valid", async () => {
    const { m, saw } = await watch();
    let load = 0.5;
    const nc = await connection();
    announcers.push(await NodeAnnouncer.start(nc, () => nodeRecord("flaky", { load })));
    await until(() => saw("joined", "flaky"), 5000, "the node to join");
    load = Number.NaN;
    await new Promise((r) => setTimeout(r, 2000));
    expect(saw("dead", "flaky")).toBe(false);
    expect(m.live().map((n) => n.load)).toEqual([0.5]);
    expect(m.rejected).toBe(0);
  });

  it("counts and ignores records that are not node records", async () => {
    const { m } = await watch();
    const kv = await openNodesBucket(await connection());
    await kv.put("stranger", "not a record");
    await kv.put("liar", encodeNodeRecord(nodeRecord("someone-else")));
    await announce("honest");
    await until(() => m.live().length === 1, 5000, "the honest node to join");
    expect(m.rejected).toBe(2);
    expect(names(m.live())).toEqual(["honest"]);
  });

  it("lists nothing at once for an empty cluster", async () => {
    expect(await listNodes(await connection(), { waitMs: 30_000 })).toEqual([]);
  });
});

describe.runIf(natsSuiteRuns())("timers", () => {
  let nats: LocalNats | undefined;
  afterAll(async () => {
    await nats?.stop();
  });

  it("none is left running: a process that announces, watches and lists ends by itself", async () => {
    // the server runs here, so that a child that must be killed leaves nothing behind
    nats = await startLocalNats();
    const dist = (f: string) => JSON.stringify(new URL(`dist/cluster/${f}`, `file://${ROOT}`).href);
    const script = `
      const { connectCluster } = await import(${dist("connect.js")});
      const { NodeAnnouncer, Membership, listNodes } = await import(${dist("membership.js")});
      const nc = await connectCluster(${JSON.stringify(nats.url)});
      const record = (name) => () => ({ name, workers: 1, load: 0, tasks: 0, actors: 0, startedAt: Date.now(), labels: [] });
      const m = await Membership.watch(nc);
      const a = await NodeAnnouncer.start(nc, record("a"));
      const b = await NodeAnnouncer.start(nc, record("b"));
      await new Promise((r) => setTimeout(r, 400));
      const listed = (await listNodes(nc)).map((n) => n.name).join(",");
      // a's leave reaches the watcher before it closes
      const left = new Promise((r) => { const off = m.onChange((e) => { if (e.kind === "left" && e.node.name === "a") { off(); r(); } }); });
      b.halt();
      await a.stop();
      await left;
      await m.close();
      await nc.close();
      console.log(listed, m.live().length);
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve("still running after 20 s");
      }, 20_000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c ?? -1);
      });
    });
    expect({ code, out: out.trim() }).toEqual({ code: 0, out: "a,b 1" });
  });
});

// A nats-server for development and tests: loopback, JetStream, credentials, optional WebSocket,
// and a stop that leaves no process and no folder behind.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectCluster } from "../../src/cluster/connect.js";
import { type LocalNats, natsServerConfig, startLocalNats } from "../../src/cluster/local-server.js";
import { openNodesBucket } from "../../src/cluster/membership.js";
import { ROOT } from "../helpers.js";
import { failure, natsSuiteRuns } from "./nats-server.js";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A stand-in for nats-server: a shell script with the given body. */
function fakeServer(body: (dir: string) => string): { path: string; dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "noodle-fake-nats-"));
  const path = join(dir, "nats-server");
  writeFileSync(path, `#!/bin/sh\n${body(dir)}\n`);
  chmodSync(path, 0o755);
  return { path, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe("the config text", () => {
  it("binds loopback with JetStream in the store folder and a user", () => {
    const text = natsServerConfig({ port: 4222, storeDir: "/var/lib/noodle-nats", user: "noodle", password: "s3cret" });
    expect(text).toContain('listen: "127.0.0.1:4222"');
    expect(text).toMatch(/jetstream \{\n {2}store_dir: "\/var\/lib\/noodle-nats"/);
    expect(text).toMatch(/authorization \{\n {2}user: "noodle"\n {2}password: "s3cret"\n\}/);
    expect(text).not.toContain("websocket");
  });

  it("adds a websocket block without TLS on loopback when asked", () => {
    const text = natsServerConfig({ port: 4222, storeDir: "/tmp/s", user: "u", password: "p", wsPort: 8222 });
    expect(text).toMatch(/websocket \{\n {2}listen: "127.0.0.1:8222"\n {2}no_tls: true\n\}/);
  });

  it("is the one docs/cluster.md and the README show", () => {
    const doc = readFileSync(join(ROOT, "docs", "cluster.md"), "utf8");
    const base = { port: 4222, storeDir: "/var/lib/noodle-nats", user: "noodle", password: "change-this-password" };
    expect(doc).toContain("```\n" + natsServerConfig(base) + "```");
    const websocket = natsServerConfig({ ...base, wsPort: 8080 }).slice(natsServerConfig(base).length);
    expect(doc).toContain("```\n" + websocket + "```");
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain("```\n" + natsServerConfig(base) + "```");
  });
});

describe("starting a server that cannot start", () => {
  it("names apt-get install nats-server when the program is missing", async () => {
    const e = await failure(startLocalNats({ binary: "/nonexistent/nats-server" }));
    expect(e.code).toBe(9001);
    expect(e.message).toContain("apt-get install nats-server");
  });

  it("is 7005 when the server ends before it listens", async () => {
    const fake = fakeServer(() => "echo broken >&2\nexit 3");
    try {
      const e = await failure(startLocalNats({ binary: fake.path }));
      expect(e.code).toBe(7005);
      expect(e.message).toContain("ended before it listened");
    } finally {
      fake.remove();
    }
  });

  it("is 7005 after the bound when the server never listens, and the process is ended", async () => {
    const fake = fakeServer((dir) => `echo $$ > "${dir}/pid"\nexec sleep 60`);
    try {
      const e = await failure(startLocalNats({ binary: fake.path, readyTimeoutMs: 300 }));
      expect(e.code).toBe(7005);
      expect(e.message).toContain("did not listen within 300 ms");
      expect(isRunning(Number(readFileSync(join(fake.dir, "pid"), "utf8")))).toBe(false);
    } finally {
      fake.remove();
    }
  });
});

describe.runIf(natsSuiteRuns())("a local nats-server", () => {
  const servers: LocalNats[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("listens on a loopback port with JetStream and the credentials in its URL", async () => {
    const s = await startLocalNats();
    servers.push(s);
    expect(s.url).toBe(`nats://noodle:${s.password}@127.0.0.1:${s.port}`);
    expect(s.plainUrl).toBe(`nats://127.0.0.1:${s.port}`);
    expect(s.password).toMatch(/^[0-9a-f]{24}$/);
    expect(s.wsUrl).toBeUndefined();
    expect(readFileSync(join(s.dir, "nats-server.conf"), "utf8")).toContain(`password: "${s.password}"`);
    const nc = await connectCluster(s.url);
    try {
      // JetStream answers: the membership bucket can be made
      const kv = await openNodesBucket(nc);
      await kv.put("probe", "1");
      expect((await kv.get("probe"))?.string()).toBe("1");
    } finally {
      await nc.close();
    }
    expect((await failure(connectCluster(s.plainUrl))).code).toBe(6002);
  });

  it("gives two servers their own ports and passwords", async () => {
    const [a, b] = await Promise.all([startLocalNats(), startLocalNats({ user: "other", password: "pw" })]);
    servers.push(a, b);
    expect(a.port).not.toBe(b.port);
    expect(a.password).not.toBe(b.password);
    expect(b.url).toBe(`nats://other:pw@127.0.0.1:${b.port}`);
    await (await connectCluster(b.url)).close();
  });

  it("listens for WebSocket clients on another loopback port when asked", async () => {
    const s = await startLocalNats({ websocket: true });
    servers.push(s);
    expect(s.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const ws = new URL(s.wsUrl as string);
    expect(Number(ws.port)).not.toBe(s.port);
    // a WebSocket handshake is answered with 101 Switching Protocols
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({
        host: "127.0.0.1",
        port: Number(ws.port),
        headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" },
      });
      req.on("upgrade", (res, socket) => {
        socket.destroy();
        resolve(res.statusCode);
      });
      req.on("response", (res) => resolve(res.statusCode));
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(101);
  });

  it("stops: the process ends and its folder is removed, a second stop is harmless", async () => {
    const s = await startLocalNats();
    servers.push(s);
    expect(isRunning(s.pid)).toBe(true);
    expect(existsSync(s.dir)).toBe(true);
    await s.stop();
    expect(isRunning(s.pid)).toBe(false);
    expect(existsSync(s.dir)).toBe(false);
    await s.stop();
    expect((await failure(connectCluster(s.url, { timeoutMs: 500 }))).code).toBe(7005);
  });
});

// Reaching a cluster: the URL from the flag or NOODLE_NATS, credentials read from it, and coded
// failures, bounded in time, that never show the password.
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterUrlFrom, connectCluster, parseClusterUrl } from "../../src/cluster/connect.js";
import { type LocalNats, startLocalNats } from "../../src/cluster/local-server.js";
import { NoodleRuntimeError } from "../../src/runtime/runtime-error.js";
import { failure, natsSuiteRuns } from "./nats-server.js";

function failureOf(f: () => unknown): NoodleRuntimeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NoodleRuntimeError);
    return e as NoodleRuntimeError;
  }
  throw new Error("it did not fail");
}

/** A TCP server on loopback that handles each connection with `onSocket`; its port and its sockets. */
async function tcpServer(onSocket: (s: Socket) => void): Promise<{ port: number; server: Server; open: () => Promise<number> }> {
  const server = createServer(onSocket);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const open = () => new Promise<number>((r, j) => server.getConnections((e, n) => (e ? j(e) : r(n))));
  return { port, server, open };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const { port, server } = await tcpServer(() => {});
  await new Promise((r) => server.close(r));
  return port;
}

describe("the cluster's URL", () => {
  it("is the flag, else NOODLE_NATS, else 9001 saying how to give one", () => {
    expect(clusterUrlFrom("nats://a:1", { NOODLE_NATS: "nats://b:2" })).toBe("nats://a:1");
    expect(clusterUrlFrom(undefined, { NOODLE_NATS: "nats://b:2" })).toBe("nats://b:2");
    for (const env of [{}, { NOODLE_NATS: "  " }]) {
      const e = failureOf(() => clusterUrlFrom(undefined, env));
      expect(e.code).toBe(9001);
      expect(e.message).toContain("--nats URL");
      expect(e.message).toContain("NOODLE_NATS");
    }
  });

  it("carries user and password, percent-decoded, or a token; tls:// asks for TLS", () => {
    expect(parseClusterUrl("nats://ann:p%40ss%3Aword@10.0.0.5:4333")).toEqual({
      server: "10.0.0.5:4333",
      host: "10.0.0.5",
      port: 4333,
      tls: false,
      user: "ann",
      password: "p@ss:word",
      shown: "nats://ann@10.0.0.5:4333",
    });
    const token = parseClusterUrl("tls://s3cr3t@nats.example.com");
    expect(token).toMatchObject({ server: "nats.example.com:4222", tls: true, token: "s3cr3t", shown: "tls://nats.example.com:4222" });
    expect(token.user).toBeUndefined();
    expect(parseClusterUrl("127.0.0.1:4999")).toMatchObject({ server: "127.0.0.1:4999", tls: false, shown: "nats://127.0.0.1:4999" });
    expect(parseClusterUrl("nats://[::1]:4222")).toMatchObject({ server: "[::1]:4222", host: "::1" });
  });

  it("refuses other schemes and paths with 9001, without the password", () => {
    for (const url of ["http://u:hunter2@host:80", "nats://u:hunter2@host:4222/path", "ws://u:hunter2@host"]) {
      const e = failureOf(() => parseClusterUrl(url));
      expect(e.code).toBe(9001);
      expect(e.message).toContain("is not a cluster URL");
      expect(e.message).not.toContain("hunter2");
    }
  });
});

describe("nothing to reach", () => {
  it("is 7005 for a closed port, at once, naming the URL without its password", async () => {
    const port = await closedPort();
    const e = await failure(connectCluster(`nats://ann:hunter2@127.0.0.1:${port}`));
    expect(e.code).toBe(7005);
    expect(e.message).toBe(`no cluster reachable at nats://ann@127.0.0.1:${port}: connection refused`);
  });

  it("is 7005 within the bound when what listens never speaks, and no socket is left open", async () => {
    const silent = await tcpServer(() => {});
    try {
      const e = await failure(connectCluster(`nats://u:hunter2@127.0.0.1:${silent.port}`, { timeoutMs: 300 }));
      expect(e.code).toBe(7005);
      expect(e.message).toContain("no answer within 300 ms");
      expect(e.message).not.toContain("hunter2");
      // the server sees the connection go
      for (let i = 0; i < 100 && (await silent.open()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await silent.open()).toBe(0);
    } finally {
      silent.server.close();
    }
  });

  it("is 7005 when what listens is not a NATS server", async () => {
    const http = await tcpServer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    try {
      const e = await failure(connectCluster(`nats://127.0.0.1:${http.port}`));
      expect(e.code).toBe(7005);
      expect(e.message).toContain("not a NATS server");
    } finally {
      http.server.close();
    }
  });

  it("is 7005 for a host that does not resolve", async () => {
    const e = await failure(connectCluster("nats://u:hunter2@no-such-host.invalid:4222"));
    expect(e.code).toBe(7005);
    expect(e.message).toContain("no cluster reachable at nats://u@no-such-host.invalid:4222");
    expect(e.message).not.toContain("hunter2");
  });
});

describe.runIf(natsSuiteRuns())("a cluster with credentials", () => {
  let nats: LocalNats;
  beforeAll(async () => {
    nats = await startLocalNats({ password: "right-password" });
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it("accepts the right user and password", async () => {
    const nc = await connectCluster(nats.url, { name: "test client" });
    try {
      expect(nc.info?.port).toBe(nats.port);
      await nc.flush();
    } finally {
      await nc.close();
    }
  });

  it("refuses a wrong password with 6002, without showing it", async () => {
    const e = await failure(connectCluster(`nats://noodle:wrong-password@127.0.0.1:${nats.port}`));
    expect(e.code).toBe(6002);
    expect(e.message).toBe(`the cluster at nats://noodle@127.0.0.1:${nats.port} refused the credentials: wrong user, password or token`);
    expect(e.message).not.toContain("wrong-password");
  });

  it("refuses a token it does not know with 6002, without showing it", async () => {
    const e = await failure(connectCluster(`nats://some-token@127.0.0.1:${nats.port}`));
    expect(e.code).toBe(6002);
    expect(e.message).not.toContain("some-token");
  });

  it("refuses no credentials with 6002, saying none were given", async () => {
    const e = await failure(connectCluster(nats.plainUrl));
    expect(e.code).toBe(6002);
    expect(e.message).toContain("none were given");
  });

  it("is 7005 for tls:// to a server without TLS", async () => {
    const e = await failure(connectCluster(nats.url.replace("nats://", "tls://")));
    expect(e.code).toBe(7005);
    expect(e.message).not.toContain("right-password");
  });
});

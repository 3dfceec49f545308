// tls:// URLs: with a nats-server that requires TLS (a certificate of a CA made for the test),
// a node joins and `cluster status` lists it over TLS when the CA is trusted (Node's
// NODE_EXTRA_CA_CERTS, as for any private CA); an untrusted certificate, or a nats:// URL to that
// server, is 7005 without a stack trace or the password.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalNats, startLocalNats } from "../../src/cluster/local-server.js";
import { ROOT, scratchFolder } from "../helpers.js";
import { natsSuiteRuns } from "./nats-server.js";

const certs = scratchFolder("noodle-tls-");

function openssl(args: string[]): void {
  const r = spawnSync("openssl", args, { cwd: certs.dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
}

/** A CA, and a certificate it signs for 127.0.0.1. */
function makeCertificates(): { ca: string; cert: string; key: string } {
  certs.file("server.ext", "subjectAltName = IP:127.0.0.1\n");
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=noodle test CA"]);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  openssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "server.ext",
  ]);
  return { ca: join(certs.dir, "ca.pem"), cert: join(certs.dir, "server.pem"), key: join(certs.dir, "server.key") };
}

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;

describe.runIf(natsSuiteRuns() && hasOpenssl)("a cluster over TLS", () => {
  let nats: LocalNats;
  let ca: string;
  beforeAll(async () => {
    const made = makeCertificates();
    ca = made.ca;
    nats = await startLocalNats({ tls: { certFile: made.cert, keyFile: made.key } });
  }, 30_000);
  afterAll(() => nats?.stop());

  const noodle = (args: string[], trusted: boolean) =>
    spawnSync(process.execPath, [ROOT + "bin/noodle.js", ...args], {
      encoding: "utf8",
      timeout: 30_000,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: trusted ? ca : "" },
    });

  it("lists the cluster over tls:// when the certificate's CA is trusted", () => {
    expect(nats.url.startsWith("tls://")).toBe(true);
    const r = noodle(["cluster", "status", "--json", "--nats", nats.url], true);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ nodes: [] });
  });

  it("runs a program's tasks on a node that joined over TLS", async () => {
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: ca };
    const node = spawn(process.execPath, [ROOT + "bin/noodle.js", "node", "--nats", nats.url, "--name", "secure", "--workers", "1"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`the node did not join: ${out}`)), 20_000);
        node.stdout!.on("data", (d) => {
          out += d;
          if (out.includes("joined")) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const program = certs.file("where.nc", 'import "std/cluster" as cluster\nfunc where() { return cluster.here() }\nprint(await spawn where())\n');
      const r = noodle(["run", "--cluster", nats.url, program], true);
      expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: "secure\n", stderr: "" });
    } finally {
      node.kill("SIGKILL");
    }
  }, 60_000);

  it("refuses an untrusted certificate, and a nats:// URL to a server that requires TLS, with 7005", () => {
    for (const [url, trusted] of [
      [nats.url, false],
      [nats.url.replace("tls://", "nats://"), true],
    ] as const) {
      const r = noodle(["cluster", "status", "--nats", url], trusted);
      expect(r.status, url).toBe(1);
      expect(r.stderr).toMatch(/^error\[7005\]: no cluster reachable at /);
      expect(r.stderr).not.toContain(nats.password);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

// Reaching a cluster from Node: its URL (a flag or NOODLE_NATS), the credentials it carries, and a
// connection bounded in time whose failures are coded errors that never show the password.
import { createConnection } from "node:net";
import { type ConnectionOptions, checkServerIdentity } from "node:tls";
import { connect, errors, type NatsConnection } from "@nats-io/transport-node";
import { formatError } from "../errors/table.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";

const DEFAULT_PORT = 4222;

/** The cluster's URL: the flag, else NOODLE_NATS, else a 9001 saying how to give one. */
export function clusterUrlFrom(flag?: string, env: Record<string, string | undefined> = process.env): string {
  const url = flag ?? env.NOODLE_NATS;
  if (url !== undefined && url.trim() !== "") return url.trim();
  throw new NoodleRuntimeError(9001, formatError("BadOption", { detail: "no cluster given: pass --nats URL or set NOODLE_NATS" }), []);
}

/** A cluster URL taken apart: where to connect, with what, and how to name it in messages. */
export interface ClusterAddress {
  /** host:port */
  server: string;
  host: string;
  port: number;
  tls: boolean;
  user?: string;
  password?: string;
  token?: string;
  /** The URL without its password or token, for messages. */
  shown: string;
}

/**
 * Reads `nats://[user:password@]host[:port]`, `nats://token@host[:port]` or the same with `tls://`
 * (TLS required); a bare `host:port` is nats://. The NATS client takes no credentials from a URL,
 * so they are read here (percent-decoded).
 */
export function parseClusterUrl(text: string): ClusterAddress {
  const bad = (why: string) =>
    new NoodleRuntimeError(
      9001,
      formatError("BadOption", { detail: `'${redact(text)}' is not a cluster URL (${why}): use nats://user:password@host:port or tls://...` }),
      [],
    );
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `nats://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw bad("it cannot be read");
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme !== "nats" && scheme !== "tls") throw bad(`${scheme}:// is not a NATS scheme`);
  if (url.hostname === "") throw bad("it names no host");
  if (url.pathname !== "" && url.pathname !== "/") throw bad("a cluster URL has no path");
  const port = url.port === "" ? DEFAULT_PORT : Number(url.port);
  const user = url.username === "" ? undefined : decodeURIComponent(url.username);
  const secret = url.password === "" ? undefined : decodeURIComponent(url.password);
  const address: ClusterAddress = {
    server: `${url.hostname}:${port}`,
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port,
    tls: scheme === "tls",
    shown: `${scheme}://${secret !== undefined && user !== undefined ? `${url.username}@` : ""}${url.hostname}:${port}`,
  };
  if (user !== undefined && secret !== undefined) Object.assign(address, { user, password: secret });
  else if (user !== undefined) address.token = user;
  return address;
}

/** The URL with any password or token taken out, for messages about a URL that could not be read. */
function redact(text: string): string {
  return text.replace(/\/\/[^@/]*@/, (m) => (m.includes(":") ? `//${m.slice(2, m.indexOf(":"))}@` : "//"));
}

export interface ConnectOptions {
  /** The connection's name, as the server's monitoring shows it. */
  name?: string;
  /** Bound on reaching the server and being accepted; default 2000 ms. */
  timeoutMs?: number;
}

/**
 * Connects to the cluster at `url`. Nothing answering (a closed port, an unknown host, silence, a
 * server that is not NATS) is 7005 within the time bound; credentials refused, or none given to a
 * server that wants them, are 6002. Messages name the URL without its password.
 */
export async function connectCluster(url: string, options: ConnectOptions = {}): Promise<NatsConnection> {
  const address = parseClusterUrl(url);
  const timeoutMs = options.timeoutMs ?? 2000;
  const deadline = Date.now() + timeoutMs;
  // the client leaves a socket open when a server accepts but never speaks, so first make sure
  // that what listens there is a NATS server, on a socket of our own
  await expectNatsServer(address, timeoutMs);
  const credentials = address.token !== undefined ? { token: address.token } : address.user !== undefined ? { user: address.user, pass: address.password } : {};
  try {
    return await connect({
      servers: address.server,
      name: options.name,
      timeout: Math.max(1, deadline - Date.now()),
      tls: address.tls ? tlsFor(address) : undefined,
      ...credentials,
    });
  } catch (e) {
    if (e instanceof errors.AuthorizationError) {
      const detail =
        address.token === undefined && address.user === undefined ? "none were given (nats://user:password@host:port)" : "wrong user, password or token";
      throw new NoodleRuntimeError(6002, formatError("ClusterRefused", { url: address.shown, detail }), []);
    }
    const detail = e instanceof errors.TimeoutError ? `no answer within ${timeoutMs} ms` : (e as Error).message;
    throw unreachable(address, detail);
  }
}

type NatsTlsOptions = NonNullable<Parameters<typeof connect>[0]>["tls"] & object;

/**
 * TLS that checks the server's certificate against the URL's host: the client upgrades its socket
 * without naming the host (an IP cannot be a TLS server name), and Node would check "localhost".
 * The client passes these options on to Node's tls.connect.
 */
function tlsFor(address: ClusterAddress): NatsTlsOptions {
  const options: NatsTlsOptions & Pick<ConnectionOptions, "checkServerIdentity"> = {
    checkServerIdentity: (_host, cert) => checkServerIdentity(address.host, cert),
  };
  return options;
}

function unreachable(address: ClusterAddress, detail: string): NoodleRuntimeError {
  return new NoodleRuntimeError(7005, formatError("ClusterUnreachable", { url: address.shown, detail }), []);
}

/** Resolves once the server at the address has sent its INFO line; 7005 otherwise, within `timeoutMs`. */
function expectNatsServer(address: ClusterAddress, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: address.host, port: address.port });
    let received = "";
    const finish = (detail?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (detail === undefined) resolve();
      else reject(unreachable(address, detail));
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.startsWith("INFO ")) finish();
      else if (received.length >= 5 || received.includes("\n")) finish("what answers there is not a NATS server");
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      const detail =
        e.code === "ECONNREFUSED" ? "connection refused" : e.code === "ENOTFOUND" || e.code === "EAI_AGAIN" ? `unknown host '${address.host}'` : e.message;
      finish(detail);
    });
    socket.on("close", () => finish("the connection was closed before the server spoke"));
  });
}

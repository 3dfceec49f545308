// Reaching a cluster over NATS WebSocket, as a browser does (the server's `websocket` listener):
// `ws://user:password@host:port` (`wss://` for TLS), read as cluster URLs are, with failures as the
// same coded errors: nothing answering is 7005, refused credentials 6002, never with the password.
import { errors, type NatsConnection, wsconnect } from "@nats-io/nats-core";
import { formatError } from "../errors/table.js";
import { NoodleRuntimeError } from "../runtime/runtime-error.js";

/** A WebSocket cluster URL taken apart. */
export interface WsClusterAddress {
  /** ws://host:port or wss://host:port, without credentials. */
  server: string;
  user?: string;
  password?: string;
  token?: string;
  /** The URL without its password or token, for messages. */
  shown: string;
}

/**
 * Reads `ws://[user:password@]host[:port]`, `ws://token@host[:port]` or the same with `wss://`;
 * the port defaults to the scheme's (80, 443). Anything else is 9001.
 */
export function parseWsClusterUrl(text: string): WsClusterAddress {
  const bad = (why: string) =>
    new NoodleRuntimeError(
      9001,
      formatError("BadOption", {
        detail: `'${text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, "$1")}' is not a WebSocket cluster URL (${why}): use ws://user:password@host:port`,
      }),
      [],
    );
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw bad("it has no ws:// or wss:// scheme");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad("it cannot be read");
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme !== "ws" && scheme !== "wss") throw bad(`${scheme}:// is not ws:// or wss://`);
  if (url.hostname === "") throw bad("it names no host");
  if (url.pathname !== "" && url.pathname !== "/") throw bad("a cluster URL has no path");
  const port = url.port === "" ? (scheme === "wss" ? 443 : 80) : Number(url.port);
  const user = url.username === "" ? undefined : decodeURIComponent(url.username);
  const secret = url.password === "" ? undefined : decodeURIComponent(url.password);
  const server = `${scheme}://${url.hostname}:${port}`;
  const address: WsClusterAddress = {
    server,
    shown: secret !== undefined && user !== undefined ? `${scheme}://${url.username}@${url.hostname}:${port}` : server,
  };
  if (user !== undefined && secret !== undefined) Object.assign(address, { user, password: secret });
  else if (user !== undefined) address.token = user;
  return address;
}

/** Connects over WebSocket within `timeoutMs` (2000 by default). */
export async function connectClusterWs(url: string, options: { name?: string; timeoutMs?: number } = {}): Promise<NatsConnection> {
  const address = parseWsClusterUrl(url);
  const timeoutMs = options.timeoutMs ?? 2000;
  const credentials = address.token !== undefined ? { token: address.token } : address.user !== undefined ? { user: address.user, pass: address.password } : {};
  try {
    return await wsconnect({ servers: address.server, name: options.name, timeout: timeoutMs, ...credentials });
  } catch (e) {
    if (e instanceof errors.AuthorizationError) {
      const detail =
        address.token === undefined && address.user === undefined ? "none were given (ws://user:password@host:port)" : "wrong user, password or token";
      throw new NoodleRuntimeError(6002, formatError("ClusterRefused", { url: address.shown, detail }), []);
    }
    const detail = e instanceof errors.TimeoutError ? `no answer within ${timeoutMs} ms` : (e as Error).message || "the connection failed";
    throw new NoodleRuntimeError(7005, formatError("ClusterUnreachable", { url: address.shown, detail }), []);
  }
}

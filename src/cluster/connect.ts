// TEMPORARY STUB (not committed)
import { connect, type NatsConnection } from "@nats-io/transport-node";
export function clusterUrlFrom(flag?: string, env = process.env): string {
  const u = flag ?? env.NOODLE_NATS;
  if (!u) throw new Error("no url");
  return u;
}
export async function connectCluster(url: string, options: { name?: string; timeoutMs?: number } = {}): Promise<NatsConnection> {
  const u = new URL(url);
  return connect({
    servers: `${u.hostname}:${u.port}`,
    user: decodeURIComponent(u.username) || undefined,
    pass: decodeURIComponent(u.password) || undefined,
    name: options.name,
    timeout: options.timeoutMs ?? 2000,
  });
}

// TEMPORARY STUB (not committed)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as any).port;
      s.close(() => r(p));
    });
  });
}
export async function startLocalNats(_o: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "nats-"));
  const port = await freePort();
  writeFileSync(join(dir, "c.conf"), `listen: 127.0.0.1:${port}\njetstream { store_dir: "${dir}/js" }\nauthorization { user: noodle, password: pw }\n`);
  const p = spawn("nats-server", ["-c", join(dir, "c.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((r) =>
    p.stderr!.on("data", (d) => {
      if (String(d).includes("Server is ready")) r();
    }),
  );
  return {
    url: `nats://noodle:pw@127.0.0.1:${port}`,
    plainUrl: `nats://127.0.0.1:${port}`,
    port,
    user: "noodle",
    password: "pw",
    stop: async () => {
      p.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

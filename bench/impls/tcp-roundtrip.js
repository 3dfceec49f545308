// A plain loopback TCP round trip between this process and another (peers/js/tcp_echo.js): the
// machine's floor under a NATS round trip, which makes two such hops through nats-server. A run
// makes WARMUP round trips, then TIMED timed one by one into the latencies.

import { spawn } from "node:child_process";
import net from "node:net";
import { recordLatencies } from "../latencies.js";
import { benchPath, projectRoot } from "../node/host.js";

export function tcpImpl(timed, warmup) {
  const echoes = [];
  const sockets = [];
  return {
    name: "tcp",
    lang: "tcp",
    async init() {
      return { ok: true };
    },
    async close() {
      for (const s of sockets) s.destroy();
      for (const echo of echoes) echo.kill("SIGKILL");
    },
    async prepare(_c, path) {
      const echo = spawn(process.execPath, [benchPath(path)], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
      echoes.push(echo);
      const port = Number(await new Promise((resolve) => echo.stdout.once("data", resolve)));
      const socket = net.connect(port, "127.0.0.1");
      socket.setNoDelay(true);
      sockets.push(socket);
      await new Promise((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      });
      const payload = Buffer.alloc(32);
      // the echo may split or join what it writes back: a round trip ends when all 32 bytes are back
      const roundTrip = () =>
        /** @type {Promise<void>} */ (
          new Promise((resolve) => {
            let got = 0;
            const onData = (d) => {
              got += d.length;
              if (got < payload.length) return;
              socket.off("data", onData);
              resolve();
            };
            socket.on("data", onData);
            socket.write(payload);
          })
        );
      return {
        run: async () => {
          for (let i = 0; i < warmup; i++) await roundTrip();
          const times = [];
          for (let i = 0; i < timed; i++) {
            const t0 = performance.now();
            await roundTrip();
            times.push(performance.now() - t0);
          }
          recordLatencies(times);
          return `${timed}\n`;
        },
      };
    },
  };
}

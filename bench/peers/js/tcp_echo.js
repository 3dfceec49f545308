// The floor under any round trip between two processes here: a loopback TCP server that writes
// back what it reads (the `tcp` implementation of the `cluster` suite talks to it). It prints its
// port once it listens.
import net from "node:net";

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on("data", (data) => socket.write(data));
});
server.listen(0, "127.0.0.1", () => {
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  process.stdout.write(`${address.port}\n`);
});

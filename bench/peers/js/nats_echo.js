// The floor of a cluster round trip: a process that answers every request on `bench.echo` with
// its payload, over plain NATS (the `nats` implementation of the `cluster` suite asks it).
import { connect } from "@nats-io/transport-node";

const url = new URL(process.argv[2]);
const nc = await connect({ servers: `${url.hostname}:${url.port}`, user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) });
nc.subscribe("bench.echo", {
  callback: (_, msg) => {
    msg.respond(msg.data);
  },
});
await nc.flush();
process.stdout.write("ready\n");
await nc.closed();

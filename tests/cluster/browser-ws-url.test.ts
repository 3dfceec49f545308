// Reading the WebSocket cluster URLs a browser node joins with: credentials taken out of the URL
// (percent-decoded), never shown in messages; anything but ws:// and wss:// is 9001.
import { describe, expect, it } from "vitest";
import { parseWsClusterUrl } from "../../src/cluster/ws-connect.js";
import { NoodleRuntimeError } from "../../src/runtime/runtime-error.js";

function refusal(text: string): NoodleRuntimeError {
  try {
    parseWsClusterUrl(text);
  } catch (e) {
    expect(e).toBeInstanceOf(NoodleRuntimeError);
    return e as NoodleRuntimeError;
  }
  throw new Error(`${text} was accepted`);
}

describe("parseWsClusterUrl", () => {
  it("takes a user and password out of the URL", () => {
    expect(parseWsClusterUrl("ws://noodle:p%40ss@127.0.0.1:8080")).toEqual({
      server: "ws://127.0.0.1:8080",
      user: "noodle",
      password: "p@ss",
      shown: "ws://noodle@127.0.0.1:8080",
    });
  });

  it("reads a lone user as a token, and shows neither", () => {
    expect(parseWsClusterUrl("wss://s3cret@nats.example.org/")).toEqual({
      server: "wss://nats.example.org:443",
      token: "s3cret",
      shown: "wss://nats.example.org:443",
    });
  });

  it("defaults the port to the scheme's", () => {
    expect(parseWsClusterUrl("ws://localhost").server).toBe("ws://localhost:80");
  });

  it("refuses other schemes, paths and text that is no URL with 9001, without the password", () => {
    for (const [text, why] of [
      ["nats://u:secret@127.0.0.1:4222", "nats:// is not ws:// or wss://"],
      ["ws://u:secret@127.0.0.1:8080/nats", "a cluster URL has no path"],
      ["u:secret@127.0.0.1:8080", "it has no ws:// or wss:// scheme"],
      ["ws://u:secret@[::1", "it cannot be read"],
    ]) {
      const e = refusal(text);
      expect(e.code).toBe(9001);
      expect(e.message).toContain(why);
      expect(e.message).not.toContain("secret");
    }
  });
});

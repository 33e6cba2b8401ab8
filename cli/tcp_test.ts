// The terminal client's TCP adapter: the Duplex contract over real loopback sockets, and servers that misbehave.

import assert from "node:assert/strict";
import { encodeFrame } from "../core/codec/frame.ts";
import { type Duplex, TransportError } from "../core/transport/duplex.ts";
import { runDuplexSuite } from "../core/transport/duplex_suite.ts";
import { framedStream } from "../core/transport/stream_framing.ts";
import { connectTcp, connStream } from "./tcp.ts";

runDuplexSuite({
  name: "connectTcp()",
  async pair() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const accepted = listener.accept();
    const near = await connectTcp("127.0.0.1", (listener.addr as Deno.NetAddr).port, { maxFrameBytes: 1 << 20 });
    const far = framedStream(connStream(await accepted), { maxFrameBytes: 1 << 20 });
    listener.close();
    return { near, far };
  },
  test: Deno.test,
});

/**
 * Listens on a free loopback port; each connection, once it has sent something, gets `answer` written in the given
 * pieces, then is closed. Returns the port and a `close()`.
 */
function fakeServer(answer: Uint8Array[]): { port: number; close(): Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    for await (const conn of listener) {
      conn.setNoDelay(true);
      await conn.read(new Uint8Array(1024));
      for (const piece of answer) await conn.write(piece);
      conn.close();
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async close() {
      listener.close();
      // Closing the listener ends the loop with BadResource; nothing else is expected there.
      await served.catch((error) => {
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      });
    },
  };
}

/** Connects, sends one payload, and resolves with the error the first read() rejected with (or fails). */
async function readFails(port: number, options: { maxFrameBytes?: number } = {}): Promise<TransportError> {
  const duplex = await connectTcp("127.0.0.1", port, options);
  try {
    duplex.write(new Uint8Array([1, 2, 3]));
    const error = await duplex.read().then((payload) => assert.fail(`read() resolved with ${payload}`), (e) => e);
    assert.ok(error instanceof TransportError, `a TransportError, not ${error}`);
    await assert.rejects(duplex.read(), (e) => e === error, "every later read() reports the same failure");
    return error;
  } finally {
    await duplex.close();
  }
}

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("connectTcp() reports an HTTP answer as the server's web port, naming the TCP port setting", async () => {
  const server = fakeServer([text("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")]);
  try {
    const error = await readFails(server.port);
    assert.equal(error.kind, "bad_frame");
    assert.equal(
      error.message,
      `127.0.0.1:${server.port} answered in HTTP: that is the server's web port. Terminal clients connect to its TCP ` +
        `port (the server prints it at start as "TCP clients"; 8111 by default): set --client.tcpPort or ` +
        `client.tcpPort in config.json`,
    );
  } finally {
    await server.close();
  }
});

Deno.test("connectTcp() recognises HTTP however its first bytes are split into reads", async () => {
  // The pieces may still arrive in one read; the answer must be the same either way.
  const server = fakeServer([text("H"), text("TT"), text("P/1.1 400 Bad Request\r\n\r\n")]);
  try {
    assert.match((await readFails(server.port)).message, /answered in HTTP: that is the server's web port/);
  } finally {
    await server.close();
  }
});

Deno.test("connectTcp() reports a frame over the limit as frame_too_large, HTTP-like or not", async () => {
  for (const prefix of [[0x48, 0x54, 0x54, 0x51], [0, 0, 0, 17]]) { // "HTTQ": close to HTTP, but not it
    const server = fakeServer([new Uint8Array([...prefix, 1, 2])]);
    try {
      const error = await readFails(server.port, { maxFrameBytes: 16 });
      assert.equal(error.kind, "frame_too_large");
      assert.match(error.message, /exceeds limit 16/);
    } finally {
      await server.close();
    }
  }
});

Deno.test("connectTcp() reports a server that closes inside a frame as lost, after the frames before it", async () => {
  const server = fakeServer([encodeFrame(Uint8Array.of(5)), encodeFrame(new Uint8Array(100)).subarray(0, 50)]);
  let duplex: Duplex | undefined;
  try {
    duplex = await connectTcp("127.0.0.1", server.port);
    duplex.write(Uint8Array.of(1));
    assert.deepEqual(await duplex.read(), Uint8Array.of(5));
    await assert.rejects(
      duplex.read(),
      (e) => e instanceof TransportError && e.kind === "lost" && /ended inside a frame/.test(e.message),
    );
  } finally {
    await duplex?.close();
    await server.close();
  }
});

Deno.test("a failed write on a TCP connection is reported by read() as write_failed, not as a clean close", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port });
  const duplex = framedStream(connStream(conn), { maxFrameBytes: 1 << 20 });
  try {
    conn.close(); // the descriptor goes away under the duplex, as after a reset the runtime noticed first
    duplex.write(Uint8Array.of(1));
    await assert.rejects(duplex.read(), (e) => e instanceof TransportError && e.kind === "write_failed");
  } finally {
    await duplex.close();
    (await accepted).close();
    listener.close();
  }
});

Deno.test("connectTcp() rejects with connect_failed when nothing listens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    connectTcp("127.0.0.1", port),
    (e) => e instanceof TransportError && e.kind === "connect_failed" && e.message.startsWith(`Cannot connect to`),
  );
});

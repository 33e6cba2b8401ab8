import assert from "node:assert/strict";
import { TransportError } from "../core/client/transport.ts";
import { connectTcp } from "./tcp.ts";

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

/** Connects, sends one payload, and resolves with the error the transport closed with. */
async function closedWith(port: number): Promise<Error | undefined> {
  const transport = await connectTcp("127.0.0.1", port);
  return await new Promise((resolve) => {
    transport.start({ payload: () => {}, closed: resolve });
    transport.send(new Uint8Array([1, 2, 3]));
  });
}

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("connectTcp() reports an HTTP answer as the server's web port, naming the TCP port setting", async () => {
  const server = fakeServer([text("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")]);
  try {
    const error = await closedWith(server.port);
    assert.ok(error instanceof TransportError);
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
    assert.match((await closedWith(server.port))?.message ?? "", /answered in HTTP: that is the server's web port/);
  } finally {
    await server.close();
  }
});

Deno.test("connectTcp() still reports other oversized lengths as a bad frame", async () => {
  const server = fakeServer([new Uint8Array([0x48, 0x54, 0x54, 0x51])]); // "HTTQ": close to HTTP, but not it
  try {
    assert.match((await closedWith(server.port))?.message ?? "", /^Server sent a bad frame: .*exceeds limit/);
  } finally {
    await server.close();
  }
});

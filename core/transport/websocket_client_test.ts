// The WebSocket adapter against Deno's own WebSocket server (the Duplex contract) and against a hand-written
// RFC 6455 server that misbehaves in ways no honest server would.

import assert from "node:assert/strict";
import { encodeFrame } from "../codec/frame.ts";
import { type Duplex, TransportError } from "./duplex.ts";
import { runDuplexSuite } from "./duplex_suite.ts";
import { connectWebSocket, WEBSOCKET_CLOSE, webSocketDuplex } from "./websocket_client.ts";

runDuplexSuite({
  name: "connectWebSocket()",
  async pair() {
    let far!: (duplex: Duplex) => void;
    const accepted = new Promise<Duplex>((resolve) => far = resolve);
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request);
      socket.onopen = () => far(webSocketDuplex(socket, { maxFrameBytes: 1 << 20 }));
      return response;
    });
    const near = await connectWebSocket(`ws://127.0.0.1:${server.addr.port}/`, { maxFrameBytes: 1 << 20 });
    return { near, far: await accepted, dispose: () => server.shutdown() };
  },
  test: Deno.test,
});

/** RFC 6455 §1.3: the server's proof that it read the client's key. */
async function acceptKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-1",
    new TextEncoder().encode(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
  );
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/** An unmasked server frame (RFC 6455 §5.2) with FIN set. */
function wsFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? [0x80 | opcode, n] : [0x80 | opcode, 126, n >> 8, n & 0xff];
  return new Uint8Array([...head, ...payload]);
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}

/**
 * A one-connection WebSocket server written by hand: it upgrades, lets `misbehave` write raw bytes, then reads the
 * client's frames until its close frame and answers it. `closeCode` settles with the status the client sent, or
 * `undefined` if the connection ended without one.
 */
function rawWebSocketServer(misbehave: (conn: Deno.Conn) => Promise<"keep" | "cut">) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closeCode = (async (): Promise<number | undefined> => {
    const conn = await listener.accept();
    listener.close();
    let buffered = new Uint8Array(0);
    const more = async () => {
      const chunk = new Uint8Array(4096);
      const n = await conn.read(chunk);
      if (n === null) return false;
      buffered = new Uint8Array([...buffered, ...chunk.subarray(0, n)]);
      return true;
    };
    try {
      while (!new TextDecoder().decode(buffered).includes("\r\n\r\n")) {
        if (!await more()) return undefined;
      }
      const key = /sec-websocket-key: *(\S+)/i.exec(new TextDecoder().decode(buffered))![1];
      buffered = new Uint8Array(0);
      await writeAll(
        conn,
        new TextEncoder().encode(
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            `Sec-WebSocket-Accept: ${await acceptKey(key)}\r\n\r\n`,
        ),
      );
      if (await misbehave(conn) === "cut") return undefined;
      // Client frames are masked (RFC 6455 §5.3); only the close frame matters here.
      while (true) {
        while (buffered.length < 6 || buffered.length < 6 + (buffered[1] & 0x7f)) {
          if (!await more()) return undefined;
        }
        const length = buffered[1] & 0x7f;
        const mask = buffered.subarray(2, 6);
        const payload = buffered.slice(6, 6 + length).map((byte, i) => byte ^ mask[i % 4]);
        const opcode = buffered[0] & 0x0f;
        buffered = buffered.slice(6 + length);
        if (opcode === 0x8) {
          await writeAll(conn, wsFrame(0x8, payload.subarray(0, 2)));
          return payload.length >= 2 ? (payload[0] << 8) | payload[1] : undefined;
        }
      }
    } finally {
      conn.close();
    }
  })();
  return { url: `ws://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/`, closeCode };
}

const MISBEHAVIOURS: {
  what: string;
  bytes: () => Uint8Array;
  kind: TransportError["kind"];
  message: RegExp;
  status: number;
}[] = [
  {
    what: "a text message",
    bytes: () => wsFrame(0x1, new TextEncoder().encode("hello")),
    kind: "bad_frame",
    message: /text message/,
    status: WEBSOCKET_CLOSE.textMessage,
  },
  {
    what: "two frames in one message",
    bytes: () => wsFrame(0x2, new Uint8Array([...encodeFrame(Uint8Array.of(1)), ...encodeFrame(Uint8Array.of(2))])),
    kind: "bad_frame",
    message: /exactly one whole frame.*more than one frame/,
    status: WEBSOCKET_CLOSE.badFrame,
  },
  {
    what: "part of a frame in one message",
    bytes: () => wsFrame(0x2, encodeFrame(Uint8Array.of(1, 2, 3)).subarray(0, 5)),
    kind: "bad_frame",
    message: /part of a frame/,
    status: WEBSOCKET_CLOSE.badFrame,
  },
  {
    what: "a frame over the limit",
    bytes: () => wsFrame(0x2, encodeFrame(new Uint8Array(17))),
    kind: "frame_too_large",
    message: /length 17 exceeds limit 16/,
    status: WEBSOCKET_CLOSE.frameTooLarge,
  },
];

for (const { what, bytes, kind, message, status } of MISBEHAVIOURS) {
  Deno.test(`connectWebSocket(): ${what} from the server rejects read() with ${kind} and closes with ${status}`, async () => {
    const server = rawWebSocketServer(async (conn) => {
      await writeAll(conn, bytes());
      return "keep";
    });
    const duplex = await connectWebSocket(server.url, { maxFrameBytes: 16 });
    const error = await duplex.read().then(() => assert.fail("read() resolved"), (e) => e);
    assert.ok(error instanceof TransportError, String(error));
    assert.equal(error.kind, kind);
    assert.match(error.message, message);
    await assert.rejects(duplex.read(), TransportError, "later reads report the same failure");
    duplex.write(Uint8Array.of(1)); // ignored, never thrown
    await duplex.close();
    assert.equal(await server.closeCode, status, "a status a script may send");
  });
}

Deno.test("connectWebSocket(): a server that drops the connection inside a WebSocket frame rejects read() as lost", async () => {
  const server = rawWebSocketServer(async (conn) => {
    // The frame header announces 100 bytes; 10 come, then the TCP connection ends without a close frame.
    await writeAll(conn, new Uint8Array([0x82, 100, ...encodeFrame(new Uint8Array(96)).subarray(0, 10)]));
    return "cut";
  });
  const duplex = await connectWebSocket(server.url, { maxFrameBytes: 1 << 20 });
  await assert.rejects(
    duplex.read(),
    (e) =>
      e instanceof TransportError && e.kind === "lost" &&
      /^Connection lost: the WebSocket ended without a closing handshake$/.test(e.message),
  );
  await server.closeCode;
  await duplex.close();
});

Deno.test("connectWebSocket(): a server that closes with an error status rejects read() as lost, naming it", async () => {
  const server = rawWebSocketServer(async (conn) => {
    await writeAll(conn, wsFrame(0x8, new Uint8Array([0x03, 0xf1, ...new TextEncoder().encode("policy")])));
    return "keep";
  });
  const duplex = await connectWebSocket(server.url);
  await assert.rejects(duplex.read(), (e) => e instanceof TransportError && /status 1009: policy/.test(e.message));
  await duplex.close();
  assert.equal(await server.closeCode, 1009, "the client echoes the server's status (RFC 6455 §5.5.1)");
});

Deno.test("connectWebSocket() rejects with connect_failed when nothing listens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    connectWebSocket(`ws://127.0.0.1:${port}/`),
    (e) => e instanceof TransportError && e.kind === "connect_failed",
  );
});

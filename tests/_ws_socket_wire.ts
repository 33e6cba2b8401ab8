// A WebSocket client written over a raw TCP socket (RFC 6455), for the one thing Deno's WebSocket cannot do: stop reading.

import { frameOfMessage } from "../core/transport/message_framing.ts";
import { writeAll } from "../server/transport/tcp.ts";
import {
  closeQuietly,
  type Inbox,
  isConnectionGone,
  type RawClient,
  rawClient,
  type RawOptions,
  type Wire,
} from "./_raw_client.ts";

/**
 * Opens a raw client whose WebSocket is framed by hand, so `stopReading()` really stops reading the socket.
 *
 * @param endpoint The server's HTTP port.
 * @param options As for the other raw clients.
 */
export function rawWsSocket(endpoint: { httpPort: number }, options?: RawOptions): Promise<RawClient> {
  return rawClient((inbox) => socketWire(endpoint.httpPort, inbox), options);
}

async function socketWire(port: number, inbox: Inbox<Uint8Array>): Promise<Wire> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const request = [
    "GET /ws HTTP/1.1",
    `Host: 127.0.0.1:${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
    "",
    "",
  ].join("\r\n");
  await writeAll(conn, new TextEncoder().encode(request));
  let buffered = new Uint8Array(0);
  const read = async (): Promise<boolean> => {
    const chunk = new Uint8Array(65536);
    const n = await conn.read(chunk);
    if (n === null) return false;
    const joined = new Uint8Array(buffered.length + n);
    joined.set(buffered);
    joined.set(chunk.subarray(0, n), buffered.length);
    buffered = joined;
    return true;
  };
  // The 101 response ends at the first blank line.
  let headEnd = -1;
  while ((headEnd = new TextDecoder().decode(buffered).indexOf("\r\n\r\n")) < 0) {
    if (!await read()) throw new Error("Server closed during the WebSocket upgrade");
  }
  if (!new TextDecoder().decode(buffered).startsWith("HTTP/1.1 101")) throw new Error("WebSocket upgrade refused");
  buffered = buffered.slice(headEnd + 4);

  let paused: Promise<void> | undefined;
  (async () => {
    try {
      while (true) {
        // RFC 6455 §5.2: server frames are unmasked; we only need binary and close.
        while (true) {
          if (buffered.length >= 2) {
            let length = buffered[1] & 0x7f;
            let at = 2;
            if (length === 126 && buffered.length >= 4) [length, at] = [(buffered[2] << 8) | buffered[3], 4];
            else if (length === 127 && buffered.length >= 10) {
              [length, at] = [Number(new DataView(buffered.buffer, buffered.byteOffset).getBigUint64(2)), 10];
            }
            if (length < 126 || at > 2) {
              if (buffered.length >= at + length) {
                const opcode = buffered[0] & 0x0f;
                const payload = buffered.slice(at, at + length);
                buffered = buffered.slice(at + length);
                if (opcode === 0x8) return;
                // One message is one whole frame, length prefix included (PROTOCOL.md §1).
                if (opcode === 0x2) inbox.push(frameOfMessage(payload, 64 * 1024 * 1024));
                continue;
              }
            }
          }
          break;
        }
        if (paused) await paused;
        if (!await read()) return;
      }
    } catch (error) {
      // A reset or our own close ends the stream.
      if (!isConnectionGone(error)) throw error;
    } finally {
      inbox.end();
    }
  })();
  return {
    sendBytes: (bytes) => writeAll(conn, maskedBinaryFrame(bytes)),
    stopReading() {
      paused = new Promise(() => {});
    },
    close: () => closeQuietly(conn),
    closeCode: () => undefined,
  };
}

/** RFC 6455 §5.2 client frame: FIN + binary opcode, masked with an all-zero key (so the payload is unchanged). */
function maskedBinaryFrame(payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const header = n < 126 ? [0x82, 0x80 | n] : n < 65536 ? [0x82, 0x80 | 126, n >> 8, n & 0xff] : [
    0x82,
    0x80 | 127,
    0,
    0,
    0,
    0,
    (n >>> 24) & 0xff,
    (n >>> 16) & 0xff,
    (n >>> 8) & 0xff,
    n & 0xff,
  ];
  const out = new Uint8Array(header.length + 4 + n);
  out.set(header);
  out.set(payload, header.length + 4);
  return out;
}

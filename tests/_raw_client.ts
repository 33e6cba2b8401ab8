// Raw test clients that send arbitrary bytes over TCP or WebSocket and read back decoded envelopes.

import { decodeEnvelope, encodeEnvelope, type Envelope } from "../core/codec/envelope.ts";
import { encodeFrame, FrameDecoder } from "../core/codec/frame.ts";
import type { Value } from "../core/codec/value.ts";
import { deadline } from "./_harness.ts";

/** A client that can misbehave: the same methods over both transports. */
export interface RawClient {
  /** Sends bytes as they are: on TCP raw stream bytes, on WebSocket one binary message. */
  sendRaw(bytes: Uint8Array): Promise<void>;
  /** Sends one well-formed request frame. */
  request(opcode: number, id: number, body: Value): Promise<void>;
  /** Next envelope from the server; rejects on timeout or close. */
  next(ms?: number): Promise<Envelope>;
  /** Resolves once the server has closed the connection; rejects after `ms`. */
  closedByServer(ms?: number): Promise<void>;
  close(): void;
}

/** Opens a raw client over one transport. */
export type RawClientFactory = (port: { tcpPort: number; wsUrl: string }) => Promise<RawClient>;

class Inbox {
  readonly items: Envelope[] = [];
  ended = false;
  #wake: (() => void) | undefined;
  push(envelope: Envelope) {
    this.items.push(envelope);
    this.#wake?.();
  }
  end() {
    this.ended = true;
    this.#wake?.();
  }
  async next(ms: number): Promise<Envelope> {
    const started = Date.now();
    while (this.items.length === 0) {
      if (this.ended) throw new Error("Connection closed before an envelope arrived");
      const left = ms - (Date.now() - started);
      if (left <= 0) throw new Error(`No envelope within ${ms} ms`);
      await deadline(new Promise<void>((resolve) => this.#wake = resolve), left, "next envelope").catch(() => {});
    }
    return this.items.shift()!;
  }
  async closed(ms: number): Promise<void> {
    const started = Date.now();
    while (!this.ended) {
      if (Date.now() - started > ms) throw new Error(`Server did not close the connection within ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Raw TCP client. */
export const rawTcp = async ({ tcpPort }: { tcpPort: number }): Promise<RawClient> => {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: tcpPort });
  conn.setNoDelay(true);
  const inbox = new Inbox();
  const decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024 * 1024 });
  (async () => {
    const buffer = new Uint8Array(65536);
    try {
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) break;
        for (const payload of decoder.push(buffer.slice(0, n))) inbox.push(decodeEnvelope(payload));
      }
    } catch {
      // A reset or our own close: either way the connection is over, which inbox.end() records.
    }
    inbox.end();
  })();
  const sendRaw = async (bytes: Uint8Array) => {
    for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
  };
  return {
    sendRaw,
    request: (opcode, id, body) => sendRaw(encodeFrame(encodeEnvelope({ opcode, id, body }))),
    next: (ms = 5000) => inbox.next(ms),
    closedByServer: (ms = 5000) => inbox.closed(ms),
    close() {
      try {
        conn.close();
      } catch {
        // Already closed by the peer; nothing left to release.
      }
    },
  };
};

/** Raw WebSocket client; `closeCode` records the server's close status. */
export const rawWs = async (
  { wsUrl }: { wsUrl: string },
): Promise<RawClient & { closeCode(): number | undefined; sendText(text: string): void }> => {
  const socket = new WebSocket(wsUrl);
  socket.binaryType = "arraybuffer";
  const inbox = new Inbox();
  let code: number | undefined;
  socket.onmessage = (event) => {
    const decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024 * 1024 });
    for (const payload of decoder.push(new Uint8Array(event.data as ArrayBuffer))) inbox.push(decodeEnvelope(payload));
  };
  socket.onclose = (event) => {
    code = event.code;
    inbox.end();
  };
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error("WebSocket failed to open"));
  });
  return {
    sendRaw(bytes) {
      socket.send(bytes);
      return Promise.resolve();
    },
    sendText(text) {
      socket.send(text);
    },
    request(opcode, id, body) {
      socket.send(encodeFrame(encodeEnvelope({ opcode, id, body })));
      return Promise.resolve();
    },
    next: (ms = 5000) => inbox.next(ms),
    closedByServer: (ms = 5000) => inbox.closed(ms),
    close() {
      socket.close();
    },
    closeCode: () => code,
  };
};

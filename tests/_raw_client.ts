// Raw test clients that speak the secure channel by hand, so tests control bytes at every layer:
// outer frames (before the handshake), record bodies (inside the channel) and envelopes.

import { decodeEnvelope, encodeEnvelope, type Envelope } from "../core/codec/envelope.ts";
import { encodeFrame, FrameDecoder } from "../core/codec/frame.ts";
import { frameOfMessage } from "../core/transport/message_framing.ts";
import type { Value } from "../core/codec/value.ts";
import { type Alert, ContentType, parseAlert } from "../core/crypto/handshake_messages.ts";
import {
  type HandshakeResult,
  readServerHello,
  writeClientFinished,
  writeClientHello,
} from "../core/crypto/handshake_client.ts";
import { nobleProvider } from "../core/crypto/primitives/noble.ts";
import { FFDHE_GROUPS } from "../core/crypto/primitives/ffdhe.ts";
import { InnerType, RecordOpener, RecordSealer } from "../core/crypto/record.ts";
import { DEFAULT_PREFERENCES, type SuitePreferences } from "../core/crypto/suites.ts";
import { writeAll } from "../server/transport/tcp.ts";
import { deadline } from "./_harness.ts";

/** Where a test server listens. */
export interface Endpoint {
  tcpPort: number;
  wsUrl: string;
}

/** Moves outer frame payloads; TCP frames a byte stream, WebSocket sends one frame per message. */
export interface Wire {
  /** Bytes exactly as given: TCP stream bytes, or one WebSocket binary message. */
  sendBytes(bytes: Uint8Array): Promise<void>;
  /** Stops reading from the socket, so the server's writes pile up (only wires over a raw socket). */
  stopReading?(): void;
  sendText?(text: string): void;
  close(): void;
  closeCode(): number | undefined;
}

/** An outer payload or the end, in arrival order. */
export class Inbox<T> {
  readonly items: T[] = [];
  ended = false;
  #wake: (() => void) | undefined;
  push(item: T) {
    this.items.push(item);
    this.#wake?.();
  }
  end() {
    this.ended = true;
    this.#wake?.();
  }
  async next(ms: number, what: string): Promise<T> {
    const started = Date.now();
    while (this.items.length === 0) {
      if (this.ended) throw new Error(`Connection closed before ${what} arrived`);
      const left = ms - (Date.now() - started);
      if (left <= 0) throw new Error(`No ${what} within ${ms} ms`);
      await deadline(new Promise<void>((resolve) => this.#wake = resolve), left, what).catch(() => {});
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

async function tcpWire(port: number, inbox: Inbox<Uint8Array>): Promise<Wire> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.setNoDelay(true);
  const decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024 * 1024 });
  let paused: Promise<void> | undefined;
  (async () => {
    const buffer = new Uint8Array(65536);
    try {
      while (true) {
        if (paused) await paused;
        const n = await conn.read(buffer);
        if (n === null) break;
        for (const payload of decoder.push(buffer.subarray(0, n))) inbox.push(payload);
      }
    } catch (error) {
      // A reset or our own close ends the stream; anything else is a bug in the test or the server.
      if (!isConnectionGone(error)) throw error;
    }
    inbox.end();
  })();
  return {
    sendBytes: (bytes) => writeAll(conn, bytes),
    stopReading() {
      paused = new Promise(() => {});
    },
    close: () => closeQuietly(conn),
    closeCode: () => undefined,
  };
}

async function wsWire(url: string, inbox: Inbox<Uint8Array>): Promise<Wire> {
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  let code: number | undefined;
  // The server under test is trusted to frame its messages: a broken one fails the test loudly.
  socket.onmessage = (event) => inbox.push(frameOfMessage(event.data as ArrayBuffer, 64 * 1024 * 1024));
  socket.onclose = (event) => {
    code = event.code;
    inbox.end();
  };
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error("WebSocket failed to open"));
  });
  return {
    sendBytes(bytes) {
      if (socket.readyState === WebSocket.OPEN) socket.send(bytes);
      return Promise.resolve();
    },
    sendText(text) {
      socket.send(text);
    },
    close() {
      socket.close();
    },
    closeCode: () => code,
  };
}

/** Options of a raw client. */
export interface RawOptions {
  /** What the ClientHello offers; defaults to everything. */
  offer?: SuitePreferences;
  /** Stop before the handshake: only `sendOuter`, `nextOuter` and `nextAlert` are usable. */
  handshake?: boolean;
}

/** A client that can misbehave at every layer; the same methods over both transports. */
export interface RawClient {
  /** The handshake's result (undefined with `handshake: false`). */
  readonly session: HandshakeResult | undefined;
  /** Sends bytes as they are on the wire: TCP stream bytes, or one WebSocket binary message. */
  sendOuter(bytes: Uint8Array): Promise<void>;
  /** Sends a text WebSocket message (WebSocket only). */
  sendText(text: string): void;
  /** Seals `body` as the content of one data record, whatever it holds. */
  sendRecordBody(body: Uint8Array): Promise<void>;
  /** Seals the next record and returns its outer payload without sending it (for replay tests). */
  sealRecord(body: Uint8Array): Promise<Uint8Array>;
  /** Sends one well-formed request inside the channel. */
  request(opcode: number, id: number, body: Value): Promise<void>;
  /** Next envelope from the server, decrypted. */
  next(ms?: number): Promise<Envelope>;
  /** Next outer frame payload from the server, as received (for reflection tests). */
  nextOuter(ms?: number): Promise<Uint8Array>;
  /** Next alert (a plaintext refusal before or during the handshake). */
  nextAlert(ms?: number): Promise<Alert>;
  /** Sends close_notify. */
  closeNotify(): Promise<void>;
  /** Seals and sends one record of any inner type with any content, even what §9.2 forbids. */
  sendInner(type: number, body: Uint8Array): Promise<void>;
  /** Resolves once the server has closed the connection; rejects after `ms`. */
  closedByServer(ms?: number): Promise<void>;
  /** Stops reading (TCP and the raw-socket WebSocket only): the server's answers pile up. */
  stopReading(): void;
  /** WebSocket close status, once closed. */
  closeCode(): number | undefined;
  close(): void;
}

/** Opens a raw client over one transport. */
export type RawClientFactory = (endpoint: Endpoint, options?: RawOptions) => Promise<RawClient>;

export async function rawClient(
  open: (inbox: Inbox<Uint8Array>) => Promise<Wire>,
  options: RawOptions = {},
): Promise<RawClient> {
  const outer = new Inbox<Uint8Array>();
  const wire = await open(outer);
  const frame = (payload: Uint8Array) => encodeFrame(payload);
  let session: HandshakeResult | undefined;
  let sealer: RecordSealer | undefined;
  const envelopes = new Inbox<Envelope>();
  const outerCopies = new Inbox<Uint8Array>();
  const alerts = new Inbox<Alert>();

  if (options.handshake !== false) {
    const sent = await writeClientHello({
      provider: nobleProvider,
      offer: options.offer ?? DEFAULT_PREFERENCES,
      group: FFDHE_GROUPS.ffdhe3072,
    });
    await wire.sendBytes(frame(sent.payload));
    const serverHello = await outer.next(10_000, "ServerHello");
    session = await readServerHello(sent, serverHello);
    await wire.sendBytes(frame(writeClientFinished(sent, session, serverHello)));
    const records = { padding: 0, rekeyAfterRecords: 1 << 30, rekeyAfterBytes: 2 ** 40 };
    sealer = await RecordSealer.create(nobleProvider, session.suite, session.secrets.clientTraffic, records);
    const opener = await RecordOpener.create(nobleProvider, session.suite, session.secrets.serverTraffic);
    (async () => {
      while (true) {
        let payload: Uint8Array;
        try {
          payload = await outer.next(3_600_000, "record");
        } catch {
          // The connection ended: so do the decrypted envelopes.
          envelopes.end();
          outerCopies.end();
          alerts.end();
          return;
        }
        outerCopies.push(payload);
        if (payload[0] === ContentType.alert) {
          alerts.push(parseAlert(payload));
          continue;
        }
        try {
          const { type, body } = await opener.open(payload);
          if (type !== InnerType.data) continue;
          for (const p of new FrameDecoder().push(body)) envelopes.push(decodeEnvelope(p));
        } catch (error) {
          // A record the test client cannot open: tests see it as no further envelopes.
          console.error(`raw client: cannot open a server record: ${(error as Error).message}`);
          envelopes.end();
        }
      }
    })();
  } else {
    (async () => {
      while (true) {
        let payload: Uint8Array;
        try {
          payload = await outer.next(3_600_000, "frame");
        } catch {
          // The connection ended.
          outerCopies.end();
          alerts.end();
          return;
        }
        outerCopies.push(payload);
        if (payload[0] === ContentType.alert) alerts.push(parseAlert(payload));
      }
    })();
  }

  const needSealer = () => {
    if (!sealer) throw new Error("This raw client skipped the handshake");
    return sealer;
  };
  const sealRecord = async (body: Uint8Array) => (await needSealer().seal(InnerType.data, body))[0];
  return {
    session,
    sendOuter: (bytes) => wire.sendBytes(bytes),
    sendText(text) {
      if (!wire.sendText) throw new Error("Text messages exist only on WebSocket");
      wire.sendText(text);
    },
    sealRecord,
    async sendRecordBody(body) {
      await wire.sendBytes(frame(await sealRecord(body)));
    },
    async request(opcode, id, body) {
      await wire.sendBytes(frame(await sealRecord(frame(encodeEnvelope({ opcode, id, body })))));
    },
    next: (ms = 5000) => envelopes.next(ms, "envelope"),
    nextOuter: (ms = 5000) => outerCopies.next(ms, "frame"),
    nextAlert: (ms = 5000) => alerts.next(ms, "alert"),
    async closeNotify() {
      for (const record of await needSealer().seal(InnerType.closeNotify, new Uint8Array(0))) {
        await wire.sendBytes(frame(record));
      }
    },
    async sendInner(type, body) {
      for (const record of await needSealer().seal(type, body)) await wire.sendBytes(frame(record));
    },
    closedByServer: (ms = 5000) => outer.closed(ms),
    stopReading() {
      if (!wire.stopReading) throw new Error("This wire cannot stop reading");
      wire.stopReading();
    },
    closeCode: () => wire.closeCode(),
    close: () => wire.close(),
  };
}

/** Raw TCP client. */
export const rawTcp: RawClientFactory = (endpoint, options) =>
  rawClient((inbox) => tcpWire(endpoint.tcpPort, inbox), options);

/** Raw WebSocket client. */
export const rawWs: RawClientFactory = (endpoint, options) =>
  rawClient((inbox) => wsWire(endpoint.wsUrl, inbox), options);

/** A read that failed because the connection is over (reset, or closed by us mid-read). */
export function isConnectionGone(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.Interrupted || error instanceof Deno.errors.BrokenPipe;
}

/** Closes a socket that the peer may have closed already. */
export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch (error) {
    // Already closed by the peer; nothing left to release.
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}

// Load generator for hold.ts: one process that opens and holds, or opens and closes, many connections to a server.
// hold.ts starts several of these so that neither one process's descriptors nor its CPU limit what the server sees.
//
// Protocol with the parent: the job is a JSON argument; the process prints one JSON line `{"event":"ready"}`, waits
// for the line `go` on stdin, runs, prints `held` (then waits for `close`) or `done`, and exits. It also exits when
// its stdin ends, so a parent that dies takes its generators with it.

import { encodeFrame, FrameDecoder } from "../core/codec/frame.ts";
import { frameOfMessage } from "../core/transport/message_framing.ts";
import { readServerHello, writeClientFinished, writeClientHello } from "../core/crypto/handshake_client.ts";
import { detectProvider } from "../core/crypto/primitives/detect.ts";
import { FFDHE_GROUPS } from "../core/crypto/primitives/ffdhe.ts";
import type { KexId } from "../core/crypto/primitives/types.ts";
import type { SuitePreferences } from "../core/crypto/suites.ts";

/** How each connection is opened. */
export type ConnectionKind = "tcp-silent" | "tcp-handshake" | "ws-handshake" | "tcp-connect-close";

/** What one generator process does. */
export interface ClientJob {
  /** `hold`: open `count` connections and keep them until told to close; `cycle`: open and close `count` in turn. */
  mode: "hold" | "cycle";
  kind: ConnectionKind;
  host: string;
  tcpPort: number;
  wsUrl: string;
  count: number;
  /** Connections being opened (or cycled) at once. */
  concurrency: number;
  /** The only key exchange offered; the rest of the offer is aes-256-gcm, sha256, ed25519. */
  kex: KexId;
}

/** A line the generator prints. */
export type ClientReport =
  | { event: "ready" }
  | { event: "held" | "done"; ok: number; failed: number; ms: number; errors: Record<string, number> }
  | { event: "closed"; lost: number };

/**
 * Deno's WebSocket client, which takes handshake headers. The DOM's declaration of `WebSocket` does not, and a
 * check of the whole project (`deno task check`) loads it next to Deno's.
 */
const WebSocketWithHeaders = WebSocket as unknown as new (
  url: string,
  options: { headers: Record<string, string> },
) => WebSocket;

/** Gives up on a connection that has not opened (and finished its handshake) by then. */
const OPEN_TIMEOUT_MS = 60_000;

const provider = await detectProvider();
const group = FFDHE_GROUPS.ffdhe3072;

function offerOf(kex: KexId): SuitePreferences {
  return { kex: [kex], aead: ["aes-256-gcm"], hash: ["sha256"], sig: ["ed25519"] };
}

function report(line: ClientReport): void {
  const bytes = new TextEncoder().encode(JSON.stringify(line) + "\n");
  for (let done = 0; done < bytes.length;) done += Deno.stdout.writeSync(bytes.subarray(done));
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch (error) {
    // Closed already (by a failed operation or the runtime): nothing left to release.
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}

/** Runs `work`; after `ms`, calls `onTimeout` (which must make `work` settle) and rejects. */
async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`not open within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads until one whole frame arrived; small reads, so thousands of connections stay cheap here. */
async function readFrame(conn: Deno.Conn, decoder: FrameDecoder): Promise<Uint8Array> {
  const buffer = new Uint8Array(2048);
  while (true) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error("server closed during the handshake");
    const payloads = decoder.push(buffer.subarray(0, n));
    if (payloads.length > 0) return payloads[0];
  }
}

/** Client side of the handshake over TCP (PROTOCOL.md §7), as the real client does it, minus the pinning. */
async function tcpHandshake(conn: Deno.TcpConn, kex: KexId): Promise<void> {
  const sent = await writeClientHello({ provider, offer: offerOf(kex), group });
  await writeAll(conn, encodeFrame(sent.payload));
  const serverHello = await readFrame(conn, new FrameDecoder());
  const result = await readServerHello(sent, serverHello);
  await writeAll(conn, encodeFrame(writeClientFinished(sent, result, serverHello)));
}

/** Waits until the server closes its side, reading and dropping whatever it sends first. */
async function untilServerCloses(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(512);
  while (await conn.read(buffer) !== null) { /* keep reading */ }
}

/** Runs the handshake over an opening WebSocket, one frame per message; `onLost` is told of a later close. */
async function wsHandshake(socket: WebSocket, kex: KexId, onLost: () => void): Promise<void> {
  const sent = await writeClientHello({ provider, offer: offerOf(kex), group });
  await new Promise<void>((resolve, reject) => {
    let open = false;
    const hello = () => socket.send(encodeFrame(sent.payload));
    if (socket.readyState === WebSocket.OPEN) hello();
    else socket.onopen = hello;
    // An error is always followed by a close event, which does the work.
    socket.onerror = () => {};
    socket.onclose = () => open ? onLost() : reject(new Error("server closed during the handshake"));
    socket.onmessage = async (event) => {
      if (open) return;
      try {
        const serverHello = frameOfMessage(event.data as ArrayBuffer, 1 << 20);
        const result = await readServerHello(sent, serverHello);
        socket.send(encodeFrame(writeClientFinished(sent, result, serverHello)));
        open = true;
        resolve();
      } catch (error) {
        socket.close();
        reject(error);
      }
    };
  });
}

/** A connection being held, and how to let it go. */
interface Held {
  close(): void;
}

async function openHeld(job: ClientJob, onLost: () => void): Promise<Held> {
  let closing = false;
  const lost = () => {
    if (!closing) onLost();
  };
  if (job.kind === "ws-handshake") {
    // As the web client would: a page the server itself served, so an origin check lets it through.
    const origin = new URL(job.wsUrl.replace(/^ws/, "http")).origin;
    const socket = new WebSocketWithHeaders(job.wsUrl, { headers: { origin } });
    socket.binaryType = "arraybuffer";
    await withDeadline(wsHandshake(socket, job.kex, lost), OPEN_TIMEOUT_MS, () => socket.close());
    return {
      close() {
        closing = true;
        socket.close();
      },
    };
  }
  const conn = await Deno.connect({ hostname: job.host, port: job.tcpPort });
  conn.setNoDelay(true);
  if (job.kind === "tcp-handshake") {
    await withDeadline(tcpHandshake(conn, job.kex), OPEN_TIMEOUT_MS, () => closeQuietly(conn));
  }
  // Keep one small read pending, to notice a server that drops the connection while it is held. A failed read
  // (a reset, or our own close) ends the connection just like an orderly close: both count as lost unless closing.
  void untilServerCloses(conn).catch(() => {}).then(lost);
  return {
    close() {
      closing = true;
      closeQuietly(conn);
    },
  };
}

/** One whole connection from the server's view: open, (handshake,) half-close, wait for the server's close. */
async function cycleOnce(job: ClientJob): Promise<void> {
  const conn = await Deno.connect({ hostname: job.host, port: job.tcpPort });
  try {
    conn.setNoDelay(true);
    const work = (async () => {
      if (job.kind === "tcp-handshake") await tcpHandshake(conn, job.kex);
      await conn.closeWrite();
      await untilServerCloses(conn);
    })();
    await withDeadline(work, OPEN_TIMEOUT_MS, () => closeQuietly(conn));
  } finally {
    closeQuietly(conn);
  }
}

/**
 * How many connections the parent allows to be opened so far. The parent raises it as the server accepts them:
 * a client's connect() returns before the server has accepted, so without it the generators would overrun the
 * listen backlog and stall for a SYN retry (1 s) on every dropped connection.
 */
class Allowance {
  #allowed = 0;
  #waiters: { index: number; resolve: () => void }[] = [];

  raise(allowed: number): void {
    this.#allowed = Math.max(this.#allowed, allowed);
    const ready = this.#waiters.filter((waiter) => waiter.index < this.#allowed);
    this.#waiters = this.#waiters.filter((waiter) => waiter.index >= this.#allowed);
    for (const waiter of ready) waiter.resolve();
  }

  /** Resolves once connection number `index` (from 0) may be opened. */
  pass(index: number): Promise<void> {
    if (index < this.#allowed) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ index, resolve }));
  }
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once, each once `allowance` lets it. */
async function pool(
  count: number,
  concurrency: number,
  allowance: Allowance,
  task: (i: number) => Promise<void>,
): Promise<{ ok: number; failed: number; errors: Record<string, number> }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const errors: Record<string, number> = {};
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await allowance.pass(i);
      try {
        await task(i);
        ok++;
      } catch (error) {
        failed++;
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        errors[message] = (errors[message] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { ok, failed, errors };
}

/** Yields the lines of stdin, then `eof` once it ends. */
async function* stdinLines(): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let at: number;
    while ((at = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, at).trim();
      pending = pending.slice(at + 1);
    }
  }
  yield "eof";
}

/**
 * Runs one job. Lines from the parent: `go` (all at once) or `go N` (the first N), then `allow N` to raise the
 * number that may be opened, and `close` to let held connections go.
 */
async function main(job: ClientJob): Promise<void> {
  const allowance = new Allowance();
  let requestClose!: () => void;
  const closeRequested = new Promise<void>((resolve) => requestClose = resolve);
  let startRun!: () => void;
  const go = new Promise<void>((resolve) => startRun = resolve);
  void (async () => {
    for await (const line of stdinLines()) {
      const [word, number] = line.split(" ");
      if (word === "go" || word === "allow") {
        allowance.raise(number === undefined ? Infinity : Number(number));
        if (word === "go") startRun();
      } else if (line === "close") {
        requestClose();
      } else if (line === "eof") {
        // The parent is done with us, or gone: whatever is open or opening goes with the process.
        Deno.exit(0);
      }
    }
  })();
  report({ event: "ready" });
  await go;
  const startedAt = performance.now();
  if (job.mode === "cycle") {
    const outcome = await pool(job.count, job.concurrency, allowance, () => cycleOnce(job));
    report({ event: "done", ...outcome, ms: Math.round(performance.now() - startedAt) });
    return;
  }
  const held: Held[] = [];
  let lost = 0;
  const outcome = await pool(job.count, job.concurrency, allowance, async () => {
    held.push(await openHeld(job, () => lost++));
  });
  report({ event: "held", ...outcome, ms: Math.round(performance.now() - startedAt) });
  await closeRequested;
  const lostWhileHeld = lost;
  for (const connection of held) connection.close();
  report({ event: "closed", lost: lostWhileHeld });
}

if (import.meta.main) {
  await main(JSON.parse(Deno.args[0]) as ClientJob);
  Deno.exit(0);
}

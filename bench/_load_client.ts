// Load generator for bench/run.ts: one process that holds many sessions to a server and drives them on command.
// The runner starts several, so that neither one process's core nor its descriptors limit what the server sees.
//
// A Mimi session is the real protocol: TCP or WebSocket, the handshake with the default suite (PROTOCOL.md §7), then
// `resume` as a remembered device (§10.9) or a password login (§10.3), then encrypted records. A bare session talks to
// bench/_bare_server.ts (no crypto, no storage): the ceiling measured in the same harness.
//
// Protocol with the parent: the job is a JSON file named by the argument; every command is one JSON line on stdin and is answered by one
// JSON line on stdout. The process exits when stdin ends, so a parent that dies takes its generators with it.

import { DEFAULT_CONFIG } from "../core/config/schema.ts";
import { fromHex } from "../core/bytes/mod.ts";
import { MimiClient } from "../core/client/client.ts";
import { resume } from "../core/client/resume.ts";
import { nobleDeviceKey } from "../core/client/device_key_noble.ts";
import { secureOptionsFromConfig } from "../core/client/secure.ts";
import { detectProvider } from "../core/crypto/primitives/detect.ts";
import { performClientHandshake } from "../core/crypto/perform_handshake.ts";
import { OPS, PUSHES } from "../core/protocol/registry.ts";
import { connectWebSocket } from "../core/transport/websocket_client.ts";
import { connectTcp } from "../cli/tcp.ts";
import type { KexId } from "../core/crypto/primitives/types.ts";
import type { SeededUser } from "./_seed.ts";
import { cheapLogin, cheapRegister } from "./_cheap_login.ts";
import { connectTcpFrom } from "./_tcp_from.ts";
import { withNodeAesGcm } from "../server/node_aead.ts";
import { Histogram, type Timeline, TIMELINE_SLOT_MS } from "./_histogram.ts";

/** Where the sessions go. */
export type Target =
  | { kind: "mimi"; transport: "tcp" | "ws"; host: string; tcpPort: number; wsUrl: string }
  | { kind: "bare-ws"; url: string }
  | { kind: "bare-tcp"; host: string; port: number };

/** What one generator process holds. */
export interface LoadJob {
  target: Target;
  /** Mimi: the seeded users this process resumes as, one session each. */
  users: SeededUser[];
  /** Bare targets: how many sessions. */
  bareSessions: number;
  /** Sessions opened at once. */
  concurrency: number;
}

/** A command from the parent. */
export type LoadCommand =
  | { cmd: "open" }
  | { cmd: "stats" }
  /** Deliveries since the last `stats`, without resetting them. */
  | { cmd: "count" }
  | {
    cmd: "send";
    /** Indexes into this process's sessions that send, and the conversation each sends to. */
    senders: { session: number; conversationId: number }[];
    /** Messages per second per sender; 0 sends as fast as acknowledgements allow (`window` outstanding each). */
    rate: number;
    /** Closed loop: requests in flight per sender. Open loop: at most this many unanswered; what is due beyond is
     * skipped and counted, so a server that falls behind leaves a bounded backlog (0: no bound). */
    window: number;
    durationMs: number;
    /** Message text length in bytes. */
    size: number;
  }
  | { cmd: "echo"; durationMs: number; window: number; size: number }
  | { cmd: "register"; names: string[]; password: string }
  | {
    cmd: "cycle";
    /** After the handshake: resume as a seeded user, log in with a password, or only one ping. */
    what: "resume" | "login" | "handshake";
    count: number;
    concurrency: number;
    /** Accounts for `login`, made by `register`. */
    names?: string[];
    /** The only key exchange offered (default: the client's default offer). */
    kex?: KexId;
    /** TCP only: connection i comes from 127.0.0.(2 + i), so that each login counts against its own address. */
    ownAddresses?: boolean;
  }
  | { cmd: "close" };

/** Counters since the last `stats`. */
export interface DeliveryStats {
  delivered: number;
  firstAt: number;
  lastAt: number;
  latency: number[];
}

const WIRE_NOW = () => performance.timeOrigin + performance.now();

// AES-GCM records on node:crypto (OpenSSL, synchronous, key imported once), as the server does. WebCrypto's decrypt
// costs 5.9 µs of CPU per 150-byte record awaited alone but 17 µs with 500 in flight (Deno 2.9.6), which is how a
// receiver holding 500 members of a room gets them; node:crypto 4.7 µs. Receivers then took more CPU than the server
// on the same two cores, and the fan-out's latency measured their wait for a core (bench/README.md, round 4). The
// records on the wire are the same.
const provider = withNodeAesGcm(await detectProvider());
// The server's key is not pinned: the generator measures the server, it does not guard against another one.
const secure = secureOptionsFromConfig(DEFAULT_CONFIG.crypto, 1 << 20, provider, () => {});
const MESSAGE_PUSH = PUSHES.message.opcode;

/** One open session, whatever the target. */
interface Session {
  /** Sends a message of `text` to `conversationId`; resolves when acknowledged (bare: when written). */
  send(conversationId: number, text: string): Promise<void>;
  echo(payload: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

let delivery: DeliveryStats & { histogram: Histogram; timeline: Timeline } = fresh();

function fresh() {
  return { delivered: 0, firstAt: 0, lastAt: 0, latency: [], histogram: new Histogram(), timeline: {} as Timeline };
}

/** A delivered message: its text starts with the sender's clock reading (ms, see WIRE_NOW) and a space. */
function delivered(text: string): void {
  const now = WIRE_NOW();
  const sentAt = Number(text.slice(0, text.indexOf(" ")));
  if (delivery.delivered === 0) delivery.firstAt = now;
  delivery.lastAt = now;
  delivery.delivered++;
  if (!Number.isFinite(sentAt)) return;
  const ms = now - sentAt;
  delivery.histogram.add(ms);
  // Latency over the run, by send time: tells a backlog that drains (early slots slow) from a steady cost.
  const slot = Math.floor(sentAt / TIMELINE_SLOT_MS);
  const row = delivery.timeline[slot] ??= [0, 0, 0, 0];
  row[0]++;
  row[1] += ms;
  if (ms > row[2]) row[2] = ms;
  if (ms > 50) row[3]++;
}

async function openMimiRaw(target: Extract<Target, { kind: "mimi" }>, localAddress?: string) {
  const limits = { maxFrameBytes: 2 << 20 };
  if (target.transport === "tcp") {
    return localAddress === undefined
      ? await connectTcp(target.host, target.tcpPort, limits)
      : await connectTcpFrom(target.host, target.tcpPort, localAddress, limits.maxFrameBytes);
  }
  return await connectWebSocket(target.wsUrl, limits);
}

/** Handshake only: the client the caller logs in (or not). */
async function openMimiClient(
  target: Extract<Target, { kind: "mimi" }>,
  kex?: KexId,
  localAddress?: string,
): Promise<MimiClient> {
  const raw = await openMimiRaw(target, localAddress);
  try {
    const options = kex === undefined ? secure : { ...secure, offer: { ...secure.offer, kex: [kex] } };
    const { duplex, result } = await performClientHandshake(raw, options);
    return new MimiClient(duplex, { channelBinding: result.secrets.exporter });
  } catch (error) {
    await raw.close();
    throw error;
  }
}

async function openMimi(target: Extract<Target, { kind: "mimi" }>, user: SeededUser): Promise<Session> {
  const client = await openMimiClient(target);
  client.onPush = (push) => {
    if (push.opcode !== MESSAGE_PUSH) return;
    const body = push.body as { message?: { body?: { text?: unknown } } };
    const text = body.message?.body?.text;
    if (typeof text === "string") delivered(text);
  };
  try {
    await resume(client, { ...nobleDeviceKey(fromHex(user.deviceSecret)), deviceId: user.deviceId });
  } catch (error) {
    await client.close();
    throw error;
  }
  let clientId = 0;
  return {
    async send(conversationId, text) {
      await client.call(OPS.sendMessage, {
        conversationId,
        clientId: `b${user.userId}-${clientId++}`,
        body: { type: "text", text },
      });
    },
    async echo(payload) {
      await client.echo(payload);
    },
    close: () => client.close(),
  };
}

async function openBareWs(url: string): Promise<Session> {
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  let pendingEcho: (() => void)[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error("bare WebSocket failed to open"));
  });
  socket.onmessage = (event) => {
    if (typeof event.data === "string") delivered(event.data);
    else {
      const waiting = pendingEcho;
      pendingEcho = [];
      for (const done of waiting) done();
    }
  };
  return {
    send(_conversationId, text) {
      socket.send(text);
      return Promise.resolve();
    },
    echo(payload) {
      return new Promise((resolve) => {
        pendingEcho.push(resolve);
        socket.send(payload);
      });
    },
    close() {
      socket.close();
      return Promise.resolve();
    },
  };
}

async function openBareTcp(host: string, port: number): Promise<Session> {
  const conn = await Deno.connect({ hostname: host, port });
  conn.setNoDelay(true);
  const buffer = new Uint8Array(4096);
  return {
    send: () => Promise.reject(new TypeError("The bare TCP server only echoes")),
    async echo(payload) {
      for (let done = 0; done < payload.length;) done += await conn.write(payload.subarray(done));
      for (let got = 0; got < payload.length;) {
        const n = await conn.read(buffer);
        if (n === null) throw new Error("bare TCP server closed");
        got += n;
      }
    },
    close() {
      conn.close();
      return Promise.resolve();
    },
  };
}

function openSession(job: LoadJob, i: number): Promise<Session> {
  const target = job.target;
  if (target.kind === "mimi") return openMimi(target, job.users[i]);
  if (target.kind === "bare-ws") return openBareWs(target.url);
  return openBareTcp(target.host, target.port);
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once; counts outcomes by error message. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  let ok = 0;
  const errors: Record<string, number> = {};
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        await task(i);
        ok++;
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        errors[message] = (errors[message] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { ok, failed: count - ok, errors };
}

/** A text of `size` bytes that starts with the current clock reading. */
function stampedText(size: number): string {
  const stamp = `${WIRE_NOW().toFixed(3)} `;
  return stamp + "x".repeat(Math.max(0, size - stamp.length));
}

async function runSend(sessions: Session[], command: Extract<LoadCommand, { cmd: "send" }>) {
  const ack = new Histogram();
  let sent = 0;
  let acked = 0;
  let failed = 0;
  let skipped = 0;
  const startedAt = performance.now();
  const endAt = startedAt + command.durationMs;
  const one = async (session: Session, conversationId: number) => {
    const at = performance.now();
    sent++;
    try {
      await session.send(conversationId, stampedText(command.size));
      acked++;
      ack.add(performance.now() - at);
    } catch (error) {
      failed++;
      if (failed === 1) console.error(error);
    }
  };
  await Promise.all(command.senders.map(async ({ session: index, conversationId }) => {
    const session = sessions[index];
    if (command.rate === 0) {
      // Closed loop: `window` requests in flight, each replaced when answered.
      await Promise.all(Array.from({ length: command.window }, async () => {
        while (performance.now() < endAt) await one(session, conversationId);
      }));
      return;
    }
    // Open loop at the offered rate: each 1 ms tick sends what is due, never waiting for answers.
    const inFlight: Promise<void>[] = [];
    let due = 0;
    let open = 0;
    while (performance.now() < endAt) {
      const target = Math.floor((performance.now() - startedAt) / 1000 * command.rate);
      while (due < target) {
        due++;
        if (command.window > 0 && open >= command.window) {
          skipped++;
          continue;
        }
        open++;
        inFlight.push(one(session, conversationId).finally(() => open--));
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(inFlight);
  }));
  return { sent, acked, failed, skipped, ms: performance.now() - startedAt, ack: ack.toJSON() };
}

async function runEcho(sessions: Session[], command: Extract<LoadCommand, { cmd: "echo" }>) {
  const payload = new Uint8Array(command.size).fill(0x61);
  const endAt = performance.now() + command.durationMs;
  let echoes = 0;
  const startedAt = performance.now();
  await Promise.all(sessions.flatMap((session) =>
    Array.from({ length: command.window }, async () => {
      while (performance.now() < endAt) {
        await session.echo(payload);
        echoes++;
      }
    })
  ));
  return { echoes, ms: performance.now() - startedAt };
}

async function runCycle(job: LoadJob, command: Extract<LoadCommand, { cmd: "cycle" }>) {
  const target = job.target;
  if (target.kind !== "mimi") throw new TypeError("Cycles need a Mimi server");
  const startedAt = performance.now();
  const outcome = await pool(command.count, command.concurrency, async (i) => {
    if (command.ownAddresses && i > 250) {
      throw new RangeError("Cannot give more than 251 connections their own address");
    }
    const client = await openMimiClient(target, command.kex, command.ownAddresses ? `127.0.0.${2 + i}` : undefined);
    try {
      if (command.what === "resume") {
        const user = job.users[i % job.users.length];
        await resume(client, { ...nobleDeviceKey(fromHex(user.deviceSecret)), deviceId: user.deviceId });
      } else if (command.what === "login") {
        const names = command.names ?? [];
        await cheapLogin(client, names[i % names.length], "bench password");
      } else {
        await client.ping();
      }
    } finally {
      await client.close();
    }
  });
  return { ...outcome, ms: performance.now() - startedAt };
}

async function main(job: LoadJob): Promise<void> {
  const sessions: Session[] = [];
  const reply = (line: Record<string, unknown>) => {
    const bytes = new TextEncoder().encode(JSON.stringify(line) + "\n");
    for (let done = 0; done < bytes.length;) done += Deno.stdout.writeSync(bytes.subarray(done));
  };
  reply({ event: "ready" });
  let pending = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let at: number;
    while ((at = pending.indexOf("\n")) >= 0) {
      const command = JSON.parse(pending.slice(0, at)) as LoadCommand;
      pending = pending.slice(at + 1);
      switch (command.cmd) {
        case "open": {
          const startedAt = performance.now();
          const count = job.target.kind === "mimi" ? job.users.length : job.bareSessions;
          const opened: Session[] = new Array(count);
          const outcome = await pool(count, job.concurrency, async (i) => {
            opened[i] = await openSession(job, i);
          });
          sessions.push(...opened);
          reply({ event: "opened", ...outcome, ms: performance.now() - startedAt });
          break;
        }
        case "stats": {
          const { histogram, ...counts } = delivery;
          reply({ event: "stats", ...counts, histogram: histogram.toJSON() });
          delivery = fresh();
          break;
        }
        case "count":
          reply({ event: "count", delivered: delivery.delivered });
          break;
        case "send":
          reply({ event: "sent", ...await runSend(sessions, command) });
          break;
        case "echo":
          reply({ event: "echoed", ...await runEcho(sessions, command) });
          break;
        case "register": {
          const target = job.target;
          if (target.kind !== "mimi") throw new TypeError("Registration needs a Mimi server");
          const outcome = await pool(command.names.length, 4, async (i) => {
            const client = await openMimiClient(target);
            try {
              await cheapRegister(client, command.names[i], command.password);
            } finally {
              await client.close();
            }
          });
          reply({ event: "registered", ...outcome });
          break;
        }
        case "cycle":
          reply({ event: "cycled", ...await runCycle(job, command) });
          break;
        case "close":
          // A session the server closed already has nothing left to close; the others close all the same.
          await Promise.all(sessions.splice(0).map((session) => session.close().catch(() => {})));
          reply({ event: "closed" });
          break;
      }
    }
  }
}

if (import.meta.main) {
  await main(JSON.parse(await Deno.readTextFile(Deno.args[0])) as LoadJob);
  Deno.exit(0);
}

// Helpers for the accounts tests: real clients over TCP or WebSocket (optionally from another loopback address),
// OPAQUE logins split into their steps, push recorders, and a second connection to the server's SQLite file.

import assert from "node:assert/strict";
import net from "node:net";
import * as opaque from "@serenity-kit/opaque";
import type { Value } from "../core/codec/value.ts";
import { MimiClient, type Push } from "../core/client/client.ts";
import { clientFrameLimit, secureOptionsFromConfig } from "../core/client/secure.ts";
import { performClientHandshake } from "../core/crypto/perform_handshake.ts";
import { asTransportError, type Duplex } from "../core/transport/duplex.ts";
import { PayloadQueue } from "../core/transport/payload_queue.ts";
import { framedStream } from "../core/transport/stream_framing.ts";
import { connectWebSocket } from "../core/transport/websocket_client.ts";
import { DEFAULT_CONFIG } from "../core/config/schema.ts";
import type { HandshakeResult } from "../core/crypto/handshake_client.ts";
import { loginProof as coreLoginProof } from "../core/crypto/login_binding.ts";
import { nobleProvider } from "../core/crypto/primitives/noble.ts";
import type { SuitePreferences } from "../core/crypto/suites.ts";
import { ProtocolError } from "../core/protocol/errors.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { connectTcp } from "../cli/tcp.ts";
import { openSqliteStore } from "../server/store/sqlite.ts";
import type { Store } from "../server/store/types.ts";
import type { AnyOp } from "../core/protocol/registry.ts";
import type { Clock } from "../core/time/clock.ts";
import { deadline, startTestServer, type TestServer } from "./_harness.ts";

/** Which transport a client uses. */
export type Via = "tcp" | "ws";

/** Must match core/client/accounts.ts: the tests compute what the real client computes. */
export const KEY_STRETCHING = "memory-constrained" as const;

/** A server not started by the harness (a subprocess): where it listens and whose key it has. */
export interface Target {
  tcpPort: number;
  wsUrl: string;
  fingerprint: string;
}

/** A connected client, what its handshake established, and every push it received. */
export interface Connected {
  client: MimiClient;
  result: HandshakeResult;
  pushes: PushLog;
}

/**
 * Connects the real client stack to a test server and pins the server's fingerprint.
 *
 * @param to The test server, or a server started otherwise.
 * @param via `tcp` or `ws`.
 * @param options `offer`: the suites to offer (default: every one); `from`: a loopback source address for TCP
 *   (e.g. `127.0.0.2`), so the server sees a second client address; `onRecord`: told of every record the server
 *   sends once the channel is established.
 */
export async function connect(
  to: TestServer | Target,
  via: Via,
  options: { offer?: SuitePreferences; from?: string; onRecord?: () => void } = {},
): Promise<Connected> {
  const expected = "server" in to ? to.server.fingerprint : to.fingerprint;
  const base = secureOptionsFromConfig(DEFAULT_CONFIG.crypto, 1 << 20, nobleProvider, (result) => {
    if (result.fingerprint !== expected) throw new Error(`Unexpected server ${result.fingerprint}`);
  });
  const maxFrameBytes = clientFrameLimit(base);
  const raw = options.from !== undefined
    ? await connectTcpFrom(options.from, to.tcpPort, maxFrameBytes)
    : via === "tcp"
    ? await connectTcp("127.0.0.1", to.tcpPort, { maxFrameBytes })
    : await connectWebSocket(to.wsUrl, { maxFrameBytes });
  const { duplex, result } = await performClientHandshake(raw, {
    ...base,
    ...(options.offer ? { offer: options.offer } : {}),
    onRecord: options.onRecord,
  });
  const client = new MimiClient(duplex, { channelBinding: result.secrets.exporter });
  const pushes = new PushLog(client);
  return { client, result, pushes };
}

/** Records a client's pushes with their arrival time, and whether and when the connection closed after them. */
export class PushLog {
  readonly items: (Push & { at: number })[] = [];
  /** `performance.now()` when the connection closed, once it has. */
  closedAt: number | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(client: MimiClient) {
    client.onPush = (push) => {
      this.items.push({ ...push, at: performance.now() });
      this.#wake();
    };
    void client.closed.then(() => {
      this.closedAt = performance.now();
      this.#wake();
    });
  }

  /** Bodies of the `presence` pushes so far. */
  presence(): { userId: number; online: boolean; lastSeenAt: number | null }[] {
    return this.items.filter((p) => p.opcode === Op.presence).map((p) =>
      p.body as { userId: number; online: boolean; lastSeenAt: number | null }
    );
  }

  /**
   * Resolves with the first push matching `predicate` among those from index `after` on (already received or still
   * to come); rejects after `ms`.
   */
  waitFor(predicate: (push: Push) => boolean, options: { ms?: number; after?: number } = {}): Promise<
    Push & { at: number }
  > {
    const { ms = 5000, after = 0 } = options;
    return deadline(
      new Promise((resolve) => {
        const check = () => {
          const found = this.items.slice(after).find(predicate);
          if (!found) return;
          this.#waiters.delete(check);
          resolve(found);
        };
        this.#waiters.add(check);
        check();
      }),
      ms,
      "a matching push",
    );
  }

  #wake() {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/**
 * A TCP client duplex whose socket is bound to `localAddress` before it connects: Deno.connect cannot choose a
 * source address, node:net can. All of 127.0.0.0/8 is the loopback interface on Linux, so `127.0.0.2` reaches a
 * server listening on 127.0.0.1 and the server sees a different client address. The node socket becomes the shared
 * framing's byte stream, so the frames are those of every other TCP client.
 */
export function connectTcpFrom(localAddress: string, port: number, maxFrameBytes: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress });
    socket.setNoDelay(true);
    socket.once(
      "error",
      (error) => reject(asTransportError("connect_failed", `Cannot connect from ${localAddress}`, error)),
    );
    socket.once("connect", () => {
      const chunks = new PayloadQueue();
      socket.on("data", (chunk: Uint8Array) => chunks.push(new Uint8Array(chunk)));
      socket.on("error", (error: Error) => chunks.fail(asTransportError("lost", "Connection lost", error)));
      socket.on("close", () => chunks.end());
      resolve(framedStream({
        read: () => chunks.read(),
        write: (bytes) =>
          new Promise<void>((done, failed) => socket.write(bytes, (error) => error ? failed(error) : done())),
        close: () => void socket.destroy(),
      }, { maxFrameBytes }));
    });
  });
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail(`${what} succeeded`);
}

/** Asserts that `promise` rejects with a ProtocolError of `code`, and returns it. */
export async function expectCode(promise: Promise<unknown>, code: string, what: string): Promise<ProtocolError> {
  const error = await rejection(promise, what);
  assert.ok(error instanceof ProtocolError, `${what}: expected ProtocolError ${code}, got ${error}`);
  assert.equal(error.code, code, `${what}: ${error.message}`);
  return error;
}

/** The login proofs of PROTOCOL.md §10.3, in the argument order these tests read best. */
export function loginProof(sessionKey: string, side: "client" | "server", exporter: Uint8Array): Uint8Array {
  return coreLoginProof(sessionKey, exporter, side);
}

/** Sends `login_start` for `username` with a fresh KE1 and returns the raw response body (no Argon2 involved). */
export async function loginStartOnly(client: MimiClient, username: string): Promise<Value> {
  await opaque.ready;
  const { startLoginRequest } = opaque.client.startLogin({ password: "irrelevant" });
  return await client.request(Op.loginStart, { username, request: startLoginRequest });
}

/**
 * Runs `fn` on a second connection to the server's SQLite file. The server keeps the file open; WAL mode lets this
 * connection write while it does (busy_timeout covers a lock held for a moment). A stand-in for friend requests and
 * rooms until their opcodes exist.
 */
export async function withStore<T>(server: TestServer, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openSqliteStore(`${server.server.dataDir}/mimi.db`);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The real client's login in two steps, so a test can act between them. */
export { startLogin } from "../core/client/accounts.ts";

/** Every connection of the accounts tests comes from loopback addresses: lift the per-address connection limits. */
export const NO_RATE_LIMIT = [
  "--server.limits.connectionsPerIpPerMinute=1000000",
  "--server.limits.handshakeUnitsPerIpPerMinute=1000000",
  "--server.limits.maxConnectionsPerIp=100000",
  "--server.limits.maxHandshakesPerIp=100000",
];

/** What a test run by {@link withClients} gets: its server, and a way to connect real clients to it. */
export interface ClientsContext {
  server: TestServer;
  /** Connects a real client; it is closed when the test ends. */
  open(via: Via, options?: Parameters<typeof connect>[2]): Promise<Connected>;
}

/**
 * Runs `fn` with a fresh server without per-address limits and closes every client it opened, then the server;
 * afterwards the server must have logged no error.
 *
 * @param fn The test.
 * @param options `flags`: more config flags; `dataDir`: a data directory to keep (a restart test); `beforeHandler`:
 *   awaited before each request is handled (see startTestServer); `clock`: a fake clock for the server's time;
 *   `scheduleGroupCommit`: runs each group commit of messages (see startTestServer).
 */
export async function withClients(
  fn: (context: ClientsContext) => Promise<void>,
  options: {
    flags?: string[];
    dataDir?: string;
    beforeHandler?: (op: AnyOp) => void | Promise<void>;
    clock?: Clock;
    scheduleGroupCommit?: (run: () => void) => void;
  } = {},
): Promise<void> {
  const server = await startTestServer([...NO_RATE_LIMIT, ...options.flags ?? []], {
    dataDir: options.dataDir,
    beforeHandler: options.beforeHandler,
    clock: options.clock,
    scheduleGroupCommit: options.scheduleGroupCommit,
  });
  const opened: Connected[] = [];
  try {
    await fn({
      server,
      async open(via, connectOptions) {
        const connected = await connect(server, via, connectOptions);
        opened.push(connected);
        return connected;
      },
    });
    assert.deepEqual(server.logs.filter((r) => r.level === "error"), [], "the server logged no error");
  } finally {
    for (const { client } of opened) client.close();
    await Promise.all(opened.map(({ client }) => deadline(client.closed, 5000, "a test client to close")));
    await server.close();
  }
}

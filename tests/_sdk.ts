// Helpers for tests of the SDK's connect() against a real server: options for TCP or WebSocket, waiting for a status
// or a state, a fresh server per test that closes every connection the test made, and users signed up and befriended.

import assert from "node:assert/strict";
import { DEFAULT_CONFIG } from "../core/config/schema.ts";
import {
  type ClientState,
  connect,
  type ConnectionStatus,
  type ConnectOptions,
  connectWebSocket,
  type Duplex,
  HandshakeError,
  type MimiConnection,
  secureOptionsFromConfig,
} from "../core/client/mod.ts";
import { nobleProvider } from "../core/crypto/primitives/noble.ts";
import { connectTcp } from "../cli/tcp.ts";
import { deadline, startTestServer, type TestServer } from "./_harness.ts";

/** Which transport a connection uses. */
export type Via = "tcp" | "ws";

/** A password for test accounts: key stretching makes each login cost the same whatever it is. */
export const PASSWORD = "correct horse battery staple";

/**
 * Options of `connect()` for a test server: the real transport, the default suites, and the server's key pinned (any
 * other key is `key_changed`).
 *
 * @param server The server, or where it listens and its fingerprint (a restarted server keeps its key).
 * @param via `tcp` or `ws`.
 * @param extra Options to add or override (`clock`, `deviceKeys`, `backoff`…).
 */
export function connectOptions(
  server: TestServer | { tcpPort: number; wsUrl: string; fingerprint: string },
  via: Via,
  extra: Partial<ConnectOptions> = {},
): ConnectOptions {
  const fingerprint = "server" in server ? server.server.fingerprint : server.fingerprint;
  const secure = secureOptionsFromConfig(DEFAULT_CONFIG.crypto, 1 << 20, nobleProvider, (result) => {
    if (result.fingerprint !== fingerprint) {
      throw new HandshakeError("key_changed", `Expected ${fingerprint}, the server presented ${result.fingerprint}`);
    }
  });
  return {
    open: (_signal, limits) =>
      via === "tcp" ? connectTcp("127.0.0.1", server.tcpPort, limits) : connectWebSocket(server.wsUrl, limits),
    secure,
    server: `127.0.0.1:${server.tcpPort}`,
    ...extra,
  };
}

/** A connection whose transport a test can cut, as a network would. */
export interface Cuttable {
  connection: MimiConnection;
  /** Closes the current transport under the SDK; it retries on the fake clock. */
  cut(): Promise<void>;
}

export function cuttable(server: TestServer, via: Via, extra: Partial<ConnectOptions>): Cuttable {
  const base = connectOptions(server, via, extra);
  let current: Duplex | undefined;
  const connection = connect({
    ...base,
    open: async (signal, limits) => current = await base.open(signal, limits),
  });
  return {
    connection,
    cut: async () => {
      await current?.close();
    },
  };
}

/**
 * Resolves with the connection's status once `accept` holds for it (now or after a change); rejects after 10 s, so a
 * broken test fails instead of hanging. The time limit guards the test; nothing is timed against it.
 */
export function untilStatus(
  connection: MimiConnection,
  accept: (status: ConnectionStatus) => boolean,
  what: string,
): Promise<ConnectionStatus> {
  let off = () => {};
  const reached = new Promise<ConnectionStatus>((resolve) => {
    const check = () => {
      const status = connection.getSnapshot().connection.status;
      if (accept(status)) resolve(status);
    };
    off = connection.subscribe(check);
    check();
  });
  return deadline(reached, 10_000, what).finally(() => off());
}

/** Waits until the connection's status is `state`. */
export function untilState(connection: MimiConnection, state: ConnectionStatus["state"]): Promise<ConnectionStatus> {
  return untilStatus(connection, (status) => status.state === state, `status ${state}`);
}

/**
 * Runs `fn` with a fresh server and closes every connection it tracked, then the server.
 *
 * @param fn The test; `track` registers a connection for closing and returns it.
 */
export async function withServer(
  fn: (server: TestServer, track: (c: MimiConnection) => MimiConnection) => Promise<void>,
): Promise<void> {
  const server = await startTestServer();
  const connections: MimiConnection[] = [];
  try {
    await fn(server, (connection) => {
      connections.push(connection);
      return connection;
    });
  } finally {
    for (const connection of connections) await connection.close();
    await server.close();
  }
}

/** Resolves once `accept` holds for the connection's state; rejects after 20 s so a broken test fails, not hangs. */
export function until(
  connection: MimiConnection,
  accept: (state: ClientState) => boolean,
  what: string,
): Promise<void> {
  let off = () => {};
  const reached = new Promise<void>((resolve) => {
    const check = () => accept(connection.getSnapshot()) && resolve();
    off = connection.subscribe(check);
    check();
  });
  return deadline(reached, 20_000, what).finally(() => off());
}

/** Registers and logs in a user on a new connection over `via`. */
export async function signUp(
  server: TestServer,
  track: (c: MimiConnection) => MimiConnection,
  username: string,
  nickname: string,
  via: Via = "tcp",
): Promise<MimiConnection> {
  const connection = track(connect(connectOptions(server, via)));
  await connection.register(username, nickname, PASSWORD);
  await connection.login(username, PASSWORD);
  return connection;
}

/** The signed-in user's id. */
export function me(connection: MimiConnection): number {
  const session = connection.getSnapshot().session;
  assert.ok(session.state === "signedIn");
  return session.user.id;
}

/** Makes two signed-in users friends through the SDK and answers their conversation's id, once both lists hold it. */
export async function befriend(a: MimiConnection, b: MimiConnection): Promise<number> {
  const bSession = b.getSnapshot().session;
  assert.ok(bSession.state === "signedIn");
  const found = await a.findUser(bSession.user.username);
  await a.sendFriendRequest(found.id);
  await until(b, (s) => s.friendRequests.some((r) => r.from?.id === me(a)), "the request reaches b");
  const request = b.getSnapshot().friendRequests.find((r) => r.from?.id === me(a))!;
  const answer = await b.answerFriendRequest(request.id, "accept");
  const id = answer.conversationId!;
  await until(a, (s) => s.conversations.some((c) => c.id === id), "a's list holds the conversation");
  await until(b, (s) => s.conversations.some((c) => c.id === id), "b's list holds the conversation");
  return id;
}

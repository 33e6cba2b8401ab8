// Helpers for tests of the SDK's connect() against a real server: options for TCP or WebSocket, waiting for a status,
// and asking a server which operations it serves.

import { DEFAULT_CONFIG } from "../core/config/schema.ts";
import {
  type AnyOp,
  connect,
  type ConnectionStatus,
  type ConnectOptions,
  connectWebSocket,
  HandshakeError,
  type MimiConnection,
  OPS,
  ProtocolError,
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
 * Whether a server of this checkout serves `op`: asked before login, a server that has it answers (`not_logged_in`
 * or the answer), one that has not answers `unknown_opcode`. For tests that need what the server side of issue 8
 * adds (resume, devices, watched presence), run only once the server serves it.
 */
export async function serverServes(op: AnyOp): Promise<boolean> {
  const server = await startTestServer();
  const connection = connect({ ...connectOptions(server, "tcp"), reconnect: false });
  try {
    await connection.call(op, op === OPS.watchPresence ? { userIds: [] } : {} as never);
    return true;
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return error.code !== "unknown_opcode";
  } finally {
    await connection.close();
    await server.close();
  }
}

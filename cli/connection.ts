// How a command reaches the server: one secure connection over TCP through the SDK, the server's key pinned on first
// contact, signed in with this machine's remembered device or with a password, and closed when the command is done.

import type { MimiConfig } from "../core/config/schema.ts";
import {
  connect,
  detectProvider,
  type MimiConnection,
  parseUsername,
  secureOptionsFromConfig,
} from "../core/client/mod.ts";
import { FileDeviceKeyStore } from "./device_keys.ts";
import { FileOutboxStore } from "./outbox_store.ts";
import { exitCodeFor, UsageError } from "./exit_codes.ts";
import { type ClientIo, oneLine } from "./io.ts";
import { expandHome, KnownServers } from "./known_servers.ts";
import { pinServerKey } from "./pinning.ts";
import { readPassword } from "./prompt.ts";
import { connectTcp } from "./tcp.ts";

/**
 * The configured server as `host:port` (IPv6 in brackets): how known_servers and device_keys name it.
 *
 * @param config The resolved configuration.
 * @returns E.g. `127.0.0.1:8111`.
 */
export function address(config: MimiConfig): string {
  const { host, tcpPort } = config.client;
  return host.includes(":") ? `[${host}]:${tcpPort}` : `${host}:${tcpPort}`;
}

/** How a command connects. */
export interface ConnectionNeeds {
  /** The device key file: to resume with the remembered device, or to remember this one at login. */
  deviceKeys?: FileDeviceKeyStore;
  /** Whether to resume with the remembered device (default: when `deviceKeys` is given). */
  resume?: boolean;
}

/** What a command learns about the server it reached. */
export interface ServerInfo {
  /** `host:port`. */
  address: string;
  /** The fingerprint of the key the server proved it holds. */
  fingerprint: string;
  /** Where that key is pinned. */
  knownServersFile: string;
  /** Whether this connection pinned it (first contact). */
  pinnedNow: boolean;
}

/** A command's work on an open connection; its number is the exit code (0 when it returns nothing). */
export type ConnectionUse = (connection: MimiConnection, server: ServerInfo) => Promise<number | void>;

/**
 * Connects through the SDK, secures and pins, resumes when asked, runs `use`, and closes cleanly. One attempt: a
 * command run once has no one to wait for a retry, so the first failure is reported.
 *
 * @param config The resolved configuration.
 * @param io Where notices and the failure go.
 * @param needs Device key file and whether to resume.
 * @param use The command's work.
 * @returns The exit code: `use`'s, or 0 when it returns nothing; after a failure, reported in one line, the code
 *   {@linkcode exitCodeFor} gives it (3 for no server or a changed key, 1 for the server's refusal…).
 */
export async function withConnection(
  config: MimiConfig,
  io: ClientIo,
  needs: ConnectionNeeds,
  use: ConnectionUse,
): Promise<number> {
  const server = address(config);
  let connection: MimiConnection | undefined;
  try {
    const known = await KnownServers.load(expandHome(config.client.knownServersFile));
    const provider = await detectProvider();
    let info: ServerInfo | undefined;
    const secure = secureOptionsFromConfig(
      config.crypto,
      config.server.limits.maxFrameBytes,
      provider,
      async (result) => {
        const pinnedNow = await pinServerKey(known, server, result.fingerprint);
        if (pinnedNow) {
          io.err(
            `mimi client: first connection to ${server}; its key ${result.fingerprint} is now pinned in ${known.path}.\n` +
              "Compare it with the fingerprint the server printed when it started.",
          );
        }
        info = {
          address: server,
          fingerprint: result.fingerprint,
          knownServersFile: known.path,
          pinnedNow,
        };
      },
    );
    const caCerts = config.client.caFile ? [await Deno.readTextFile(config.client.caFile)] : undefined;
    const tls = config.client.tls ? { caCerts } : undefined;
    connection = connect({
      open: (_signal, limits) => connectTcp(config.client.host, config.client.tcpPort, { ...limits, tls }),
      secure,
      server,
      deviceKeys: needs.deviceKeys,
      resume: needs.resume,
      // What the user sent that the server had not answered when a run ended goes out at the next login.
      outboxStore: new FileOutboxStore(expandHome(config.client.outboxFile)),
      reconnect: false,
      // Nothing here runs in the background for long; what goes wrong there is reported like any failure.
      onError: (error) => io.err(`mimi client: ${oneLine(error)}`),
    });
    await connection.opened();
    const suite = connection.getSnapshot().connection.suite;
    io.err(`mimi client: secure connection to ${server} (${suite}, ${provider.name})`);
    return (await use(connection, info!)) ?? 0;
  } catch (error) {
    // Reported here rather than in runClient so the connection is closed (below) before the process exits.
    io.err(`mimi client: ${oneLine(error)}`);
    return exitCodeFor(error);
  } finally {
    await connection?.close();
  }
}

/**
 * The device key file of the config.
 *
 * @param config The resolved configuration.
 * @returns The store (nothing is read yet).
 */
export function deviceKeys(config: MimiConfig): FileDeviceKeyStore {
  return new FileDeviceKeyStore(expandHome(config.client.deviceKeysFile));
}

/**
 * What to say when this machine has no remembered device for the server.
 *
 * @param config The resolved configuration.
 * @returns One sentence, lower case first.
 */
export function notRemembered(config: MimiConfig): string {
  return `this machine has no remembered device for ${address(config)}; ` +
    `sign in with: deno task client -- login --remember <user>`;
}

/**
 * Connects with the remembered device and runs `use` signed in; says what to do when there is no device or the server
 * no longer knows it (revoked, or logged out elsewhere), in which case the key is deleted by then.
 *
 * @param whenForgotten Runs instead of the notice when there is no device, or the server forgot it.
 * @returns The exit code; 1 when not signed in and `whenForgotten` is not given.
 */
export async function withRememberedDevice(
  config: MimiConfig,
  io: ClientIo,
  use: ConnectionUse,
  whenForgotten?: () => number,
): Promise<number> {
  const keys = deviceKeys(config);
  if (await keys.load(address(config)) === undefined) {
    if (whenForgotten) return whenForgotten();
    io.err(`mimi client: ${notRemembered(config)}`);
    return 1;
  }
  return await withConnection(config, io, { deviceKeys: keys }, async (connection, server) => {
    if (connection.getSnapshot().session.state === "signedIn") return await use(connection, server);
    if (whenForgotten) return whenForgotten();
    io.err(
      `mimi client: ${address(config)} no longer knows this machine's device (revoked, or logged out elsewhere); ` +
        `sign in again with: deno task client -- login --remember <user>`,
    );
    return 1;
  });
}

/**
 * Runs `use` signed in: as `user` with a password (asked on a terminal, or the first line of standard input, before
 * connecting), or without `user` with this machine's remembered device. Passwords never come from the command line or
 * the environment, where other users of the machine could read them.
 *
 * @param config The resolved configuration.
 * @param io Where notices and failures go.
 * @param user The username of `--user`, or undefined to use the remembered device.
 * @param use The command's work.
 * @returns The exit code.
 * @throws {UsageError} When `user` is not a username, or there is neither `user` nor a remembered device.
 */
export async function withSignedIn(
  config: MimiConfig,
  io: ClientIo,
  user: string | undefined,
  use: ConnectionUse,
): Promise<number> {
  if (user === undefined) {
    const keys = deviceKeys(config);
    if (await keys.load(address(config)) === undefined) {
      throw new UsageError(`${notRemembered(config)}, or give --user <user> to be asked for the password`);
    }
    return await withRememberedDevice(config, io, use);
  }
  const parsed = parseUsername(user);
  if ("error" in parsed) throw new UsageError(`${parsed.error}, got "${user}"`);
  // Read before connecting, so a missing password costs no connection and a slow typist no login timeout.
  const password = await readPassword("Password: ");
  return await withConnection(config, io, {}, async (connection, server) => {
    await connection.login(parsed.username, password);
    return await use(connection, server);
  });
}

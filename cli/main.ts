// The terminal client: `mimi client <command>`, over the secure channel on TCP.

import { DEFAULT_CONFIG, type MimiConfig } from "../core/config/schema.ts";
import {
  connect,
  detectProvider,
  type Device,
  HandshakeError,
  type MimiConnection,
  OPS,
  parseNickname,
  parseUsername,
  secureOptionsFromConfig,
  sortContacts,
} from "../core/client/mod.ts";
import { ALGORITHMS } from "../core/crypto/suites.ts";
import { VERSION } from "../core/version.ts";
import { FileDeviceKeyStore } from "./device_keys.ts";
import { FileOutboxStore } from "./outbox_store.ts";
import { expandHome, KnownServers } from "./known_servers.ts";
import { PromptError, readNewPassword, readPassword } from "./prompt.ts";
import { connectTcp } from "./tcp.ts";
import { clientUsage, type CommandName, commandUsage, unknownCommand } from "./usage.ts";

/** Output channels, replaceable in tests. */
export interface ClientIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const STDIO: ClientIo = { out: console.log, err: console.error };

/** Runs one command with its arguments (the command name removed); returns the exit code. */
type Runner = (config: MimiConfig, rest: string[], io: ClientIo) => Promise<number>;

const RUNNERS: Record<Exclude<CommandName, "help">, Runner> = {
  echo: (config, rest, io) =>
    withConnection(config, io, {}, async (connection) => {
      const reply = await connection.call(OPS.echo, rest.join(" "));
      io.out(typeof reply === "string" ? reply : JSON.stringify(reply));
    }),
  ping: (config, rest, io) =>
    noArguments("ping", rest, io) ?? withConnection(config, io, {}, async (connection) => {
      const started = performance.now();
      const { time } = await connection.call(OPS.ping, {});
      const ms = (performance.now() - started).toFixed(1);
      io.out(`pong from ${address(config)} in ${ms} ms, server time ${new Date(time).toISOString()}`);
    }),
  suites: (config, rest, io) => noArguments("suites", rest, io) ?? listSuites(config, io),
  forget,
  register: (config, rest, io) => accountCommand(config, "register", rest, io),
  login: (config, rest, io) => accountCommand(config, "login", rest, io),
  passwd: (config, rest, io) => accountCommand(config, "passwd", rest, io),
  devices,
  logout: (config, rest, io) => noArguments("logout", rest, io) ?? logout(config, io),
};

/**
 * Runs one terminal-client command. Every failure ends as one line on `io.err` and an exit code, never a stack trace.
 *
 * @param config Resolved configuration (the `client` section names the server).
 * @param args Command and its arguments, e.g. `["echo", "你好"]`.
 * @param io Where results (`out`) and notices (`err`) go.
 * @returns The process exit code: 0 on success, 1 on failure, 2 on bad usage or no password, 130 after Ctrl-C at a
 *   password prompt.
 */
export async function runClient(config: MimiConfig, args: string[], io: ClientIo = STDIO): Promise<number> {
  try {
    return await dispatch(config, args, io);
  } catch (error) {
    // The command line is the client's edge: whatever went wrong, the user gets one line, not a stack trace.
    io.err(`mimi client: ${oneLine(error)}`);
    return error instanceof PromptError ? error.exitCode : 1;
  }
}

async function dispatch(config: MimiConfig, args: string[], io: ClientIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined) {
    io.err(clientUsage());
    return 2;
  }
  if (command === "help" || command === "--help" || command === "-h") {
    const asksHelp = rest.includes("--help") || rest.includes("-h");
    const topic = rest.find((arg) => !arg.startsWith("-")) ?? (command === "help" && asksHelp ? "help" : undefined);
    if (topic === undefined) {
      io.out(clientUsage());
      return 0;
    }
    const usage = commandUsage(topic);
    if (usage === undefined) {
      io.err(`mimi client: ${unknownCommand(topic)}`);
      return 2;
    }
    io.out(usage);
    return 0;
  }
  if (command === "--version") {
    io.out(`mimi ${VERSION}`);
    return 0;
  }
  if (!Object.hasOwn(RUNNERS, command)) {
    io.err(`mimi client: ${unknownCommand(command)}`);
    return 2;
  }
  // `--help` or `-h` anywhere after a command asks for its usage. The price: `echo` cannot send those words, which no
  // one needs to, while a user who adds --help to a half-typed command must never be asked for a password.
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(commandUsage(command)!);
    return 0;
  }
  return await RUNNERS[command as keyof typeof RUNNERS](config, rest, io);
}

/** Reports extra arguments to a command that takes none; `undefined` when there are none. */
function noArguments(command: CommandName, rest: string[], io: ClientIo): Promise<number> | undefined {
  if (rest.length === 0) return undefined;
  io.err(`mimi client: ${command} takes no arguments, got "${rest[0]}"; "${command} --help" shows its usage`);
  return Promise.resolve(2);
}

/** An error's message on one line, for the terminal. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function address(config: MimiConfig): string {
  const { host, tcpPort } = config.client;
  return host.includes(":") ? `[${host}]:${tcpPort}` : `${host}:${tcpPort}`;
}

/** How a command connects. */
interface ConnectionNeeds {
  /** The device key file: to resume with the remembered device, or to remember this one at login. */
  deviceKeys?: FileDeviceKeyStore;
  /** Whether to resume with the remembered device (default: when `deviceKeys` is given). */
  resume?: boolean;
}

/**
 * Connects through the SDK, secures and pins, resumes when asked, runs `use`, and closes cleanly. One attempt: a
 * command run once has no one to wait for a retry, so the first failure is reported.
 *
 * @returns The exit code: `use`'s, or 0 when it returns nothing; 1 after a failure, reported in one line.
 */
async function withConnection(
  config: MimiConfig,
  io: ClientIo,
  needs: ConnectionNeeds,
  use: (connection: MimiConnection) => Promise<number | void>,
): Promise<number> {
  const server = address(config);
  let connection: MimiConnection | undefined;
  try {
    const known = await KnownServers.load(expandHome(config.client.knownServersFile));
    const provider = await detectProvider();
    const secure = secureOptionsFromConfig(
      config.crypto,
      config.server.limits.maxFrameBytes,
      provider,
      async (result) => {
        const pinned = known.get(server);
        if (pinned === undefined) {
          await known.pin(server, result.fingerprint);
          io.err(
            `mimi client: first connection to ${server}; its key ${result.fingerprint} is now pinned in ${known.path}.\n` +
              "Compare it with the fingerprint the server printed when it started.",
          );
        } else if (pinned !== result.fingerprint) {
          throw new HandshakeError(
            "key_changed",
            `The server at ${server} presented key ${result.fingerprint}, but ${pinned} is pinned in ${known.path}. ` +
              `Someone may be intercepting the connection. If the server's key was changed on purpose, run: ` +
              `deno task client -- forget ${server}`,
          );
        }
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
    return (await use(connection)) ?? 0;
  } catch (error) {
    // Reported here rather than in runClient so the connection is closed (below) before the process exits.
    io.err(`mimi client: ${oneLine(error)}`);
    return 1;
  } finally {
    await connection?.close();
  }
}

async function listSuites(config: MimiConfig, io: ClientIo): Promise<number> {
  const provider = await detectProvider();
  io.out(`Primitives: ${provider.name}`);
  for (const part of ["kex", "aead", "hash", "sig"] as const) {
    const offered = config.crypto[part] as readonly string[];
    const rows = ALGORITHMS[part].map((id) => {
      const at = offered.indexOf(id);
      return `  ${id.padEnd(20)}${at === -1 ? "not offered" : `offered, preference ${at + 1}`}`;
    });
    io.out(`${part}:\n${rows.join("\n")}`);
  }
  io.out(`ffdhe group: ${config.crypto.modulus} (generator ${config.crypto.base})`);
  io.out("Choose for one connection with flags, e.g. --crypto.aead=chacha20-poly1305");
  return 0;
}

async function forget(config: MimiConfig, rest: string[], io: ClientIo): Promise<number> {
  if (rest.length > 1) {
    io.err(`mimi client: usage: forget [host:port]; "forget --help" shows an example`);
    return 2;
  }
  const target = rest[0] ?? address(config);
  const known = await KnownServers.load(expandHome(config.client.knownServersFile));
  if (await known.forget(target)) {
    io.out(`Forgot the key of ${target}; the next connection pins the key it presents.`);
    return 0;
  }
  io.err(`mimi client: no key is pinned for ${target} in ${known.path}`);
  return 1;
}

async function accountCommand(
  config: MimiConfig,
  command: "register" | "login" | "passwd",
  args: string[],
  io: ClientIo,
): Promise<number> {
  const { value: invite, rest: afterInvite } = command === "register"
    ? takeOption(args, "--invite")
    : { value: undefined, rest: args };
  if (invite === "") {
    io.err('mimi client: usage: register --invite CODE <user> <nickname…>; "register --help" shows an example');
    return 2;
  }
  const { remember, rest } = command === "login"
    ? takeRemember(afterInvite)
    : { remember: undefined, rest: afterInvite };
  const [name, ...nicknameWords] = rest;
  const expected = command === "register" ? rest.length >= 2 : rest.length === 1;
  if (!expected || remember === "") {
    const args = { register: " <user> <nickname…>", login: " [--remember[=NAME]] <user>", passwd: " <user>" };
    io.err(`mimi client: usage: ${command}${args[command]}; "${command} --help" shows an example`);
    return 2;
  }
  // Checked before the password is asked for, so a typo in the name does not cost the user a password prompt.
  const parsed = parseUsername(name);
  if ("error" in parsed) {
    io.err(`mimi client: ${parsed.error}, got "${name}"`);
    return 2;
  }
  const username = parsed.username;
  let nickname = "";
  if (command === "register") {
    const checked = parseNickname(nicknameWords.join(" "));
    if ("error" in checked) {
      io.err(`mimi client: ${checked.error}`);
      return 2;
    }
    nickname = checked.nickname;
  }
  let password: string;
  let fresh: string | undefined;
  if (command === "register") {
    password = await readNewPassword("Password: ", "Repeat the password: ");
  } else {
    password = await readPassword(command === "passwd" ? "Current password: " : "Password: ");
    if (command === "passwd") fresh = await readNewPassword("New password: ", "Repeat the new password: ");
  }
  // Only a login that remembers the device touches the key file, and it logs in with the password, never resuming.
  const needs = remember === undefined ? {} : { deviceKeys: deviceKeys(config), resume: false };
  return await withConnection(config, io, needs, async (connection) => {
    if (command === "register") {
      const user = await connection.register(username, nickname, password, { invite });
      io.out(`Registered ${user.username} (${user.nickname}). Log in with: ${loginCommand(config, user.username)}`);
      return;
    }
    const bundle = await connection.login(username, password, remember === undefined ? {} : { remember });
    if (command === "passwd") {
      await connection.changePassword(fresh!);
      io.out("Password changed.");
      return;
    }
    const { user } = bundle;
    io.out(`Logged in as ${user.nickname} (${user.username}).`);
    io.out(`Friends: ${bundle.friends.length === 0 ? "none yet" : ""}`);
    for (const friend of sortContacts(bundle.friends)) {
      const seen = friend.online
        ? "online"
        : friend.lastSeenAt
        ? `last seen ${new Date(friend.lastSeenAt).toLocaleString()}`
        : "offline";
      io.out(`  ${friend.nickname} (${friend.username}): ${seen}`);
    }
    for (const request of bundle.friendRequests) {
      io.out(`Friend request from ${request.from?.nickname ?? "?"} (${request.from?.username ?? "?"})`);
    }
    if (remember === undefined) return;
    if (bundle.deviceId === null) {
      io.err(`mimi client: ${address(config)} does not remember devices; the next command asks for the password again`);
      return;
    }
    io.out(
      `This machine stays signed in as "${remember}" (device ${bundle.deviceId}); ` +
        `"deno task client -- logout" signs it out.`,
    );
  });
}

/** The device key file of the config. */
function deviceKeys(config: MimiConfig): FileDeviceKeyStore {
  return new FileDeviceKeyStore(expandHome(config.client.deviceKeysFile));
}

/** What to say when this machine has no remembered device for the server. */
function notRemembered(config: MimiConfig): string {
  return `this machine has no remembered device for ${address(config)}; ` +
    `sign in with: deno task client -- login --remember <user>`;
}

/**
 * Connects with the remembered device and runs `use` signed in; says what to do when there is no device or the server
 * no longer knows it (revoked, or logged out elsewhere), in which case the key is deleted by then.
 */
async function withRememberedDevice(
  config: MimiConfig,
  io: ClientIo,
  use: (connection: MimiConnection) => Promise<number | void>,
  whenForgotten?: () => number,
): Promise<number> {
  const keys = deviceKeys(config);
  if (await keys.load(address(config)) === undefined) {
    if (whenForgotten) return whenForgotten();
    io.err(`mimi client: ${notRemembered(config)}`);
    return 1;
  }
  return await withConnection(config, io, { deviceKeys: keys }, async (connection) => {
    if (connection.getSnapshot().session.state === "signedIn") return await use(connection);
    if (whenForgotten) return whenForgotten();
    io.err(
      `mimi client: ${address(config)} no longer knows this machine's device (revoked, or logged out elsewhere); ` +
        `sign in again with: deno task client -- login --remember <user>`,
    );
    return 1;
  });
}

async function devices(config: MimiConfig, args: string[], io: ClientIo): Promise<number> {
  const { value: revoke, rest } = takeOption(args, "--revoke");
  const id = revoke === undefined ? undefined : Number(revoke);
  if (rest.length > 0 || (id !== undefined && !(Number.isSafeInteger(id) && id > 0))) {
    io.err('mimi client: usage: devices [--revoke ID]; "devices --help" shows an example');
    return 2;
  }
  return await withRememberedDevice(config, io, async (connection) => {
    const list = await connection.listDevices();
    if (id === undefined) {
      showDevices(list, io);
      return;
    }
    const device = list.find((d) => d.id === id);
    if (!device) {
      io.err(`mimi client: your account has no device ${id}; "deno task client -- devices" lists them`);
      return 1;
    }
    await connection.revokeDevice(id);
    // The server kicks this connection next, which deletes the key too; deleting it here does not depend on that.
    if (device.current) await deviceKeys(config).delete(address(config));
    io.out(
      device.current
        ? `Revoked device ${id} ("${device.name}"): this machine is signed out.`
        : `Revoked device ${id} ("${device.name}"): it can no longer sign in without the password.`,
    );
  });
}

/** One line per device: id, name, when remembered and last used, and which one this is. */
function showDevices(list: readonly Device[], io: ClientIo): void {
  const day = (ms: number) => new Date(ms).toLocaleString();
  const width = Math.max(...list.map((d) => String(d.id).length));
  for (const device of list) {
    io.out(
      `  ${String(device.id).padStart(width)}  ${device.name}: remembered ${day(device.createdAt)}, ` +
        `last used ${day(device.lastUsedAt)}${device.current ? " (this machine)" : ""}`,
    );
  }
}

async function logout(config: MimiConfig, io: ClientIo): Promise<number> {
  const server = address(config);
  const gone = () => {
    io.out(`This machine is not signed in to ${server}; nothing to log out.`);
    return 0;
  };
  return await withRememberedDevice(config, io, async (connection) => {
    const session = connection.getSnapshot().session;
    await connection.logout();
    const who = session.state === "signedIn" ? ` ${session.user.nickname} (${session.user.username})` : "";
    io.out(`Logged out${who} from ${server}; this machine no longer stays signed in.`);
  }, gone);
}

/**
 * Takes `--remember` or `--remember=NAME` out of `login`'s arguments; `remember` is the device name, "" when
 * `--remember=` names none, and undefined without the option.
 */
function takeRemember(args: string[]): { remember: string | undefined; rest: string[] } {
  const at = args.findIndex((arg) => arg === "--remember" || arg.startsWith("--remember="));
  if (at === -1) return { remember: undefined, rest: args };
  const name = args[at] === "--remember" ? `Terminal on ${Deno.build.os}` : args[at].slice("--remember=".length).trim();
  return { remember: name, rest: args.toSpliced(at, 1) };
}

/**
 * Takes `option VALUE` (or `option=VALUE`) out of the arguments, e.g. `register`'s `--invite`; the value is "" when
 * it is missing, and undefined without the option.
 */
function takeOption(args: string[], option: string): { value: string | undefined; rest: string[] } {
  const at = args.findIndex((arg) => arg === option || arg.startsWith(`${option}=`));
  if (at === -1) return { value: undefined, rest: args };
  const inline = args[at].startsWith(`${option}=`);
  const value = inline ? args[at].slice(option.length + 1) : args[at + 1] ?? "";
  return { value, rest: args.toSpliced(at, inline ? 1 : 2) };
}

/** Settings of the `client` section that say where and how to connect: a hint must carry them to reach the server. */
const CONNECTION_KEYS = ["host", "tcpPort", "tls", "caFile"] as const;

/**
 * The command that logs `username` in on the server this command reached: with the connection settings that differ
 * from the defaults (given on the command line, in the environment or in config.json), so that it works as copied.
 *
 * @param config The resolved configuration this command ran with.
 * @param username Who logs in.
 * @returns The command line.
 */
export function loginCommand(config: MimiConfig, username: string): string {
  const flags = CONNECTION_KEYS.filter((key) => config.client[key] !== DEFAULT_CONFIG.client[key])
    .map((key) => ` --client.${key}=${config.client[key]}`);
  return `deno task client -- login ${username}${flags.join("")}`;
}

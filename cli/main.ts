// The terminal client: `mimi client <command>`, over the secure channel on TCP.

import type { MimiConfig } from "../core/config/schema.ts";
import { MimiClient } from "../core/client/client.ts";
import { clientFrameLimit, performClientHandshake, secureOptionsFromConfig } from "../core/client/mod.ts";
import { HandshakeError } from "../core/crypto/errors.ts";
import { detectProvider } from "../core/crypto/primitives/detect.ts";
import { ALGORITHMS, suiteName } from "../core/crypto/suites.ts";
import { changePassword, login, register } from "../core/client/accounts.ts";
import { sortContacts } from "../core/client/contacts.ts";
import { parseNickname, parseUsername } from "../core/protocol/accounts.ts";
import { VERSION } from "../core/version.ts";
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
    withClient(config, io, async (client) => {
      const reply = await client.echo(rest.join(" "));
      io.out(typeof reply === "string" ? reply : JSON.stringify(reply));
    }),
  ping: (config, rest, io) =>
    noArguments("ping", rest, io) ?? withClient(config, io, async (client) => {
      const started = performance.now();
      const time = await client.ping();
      const ms = (performance.now() - started).toFixed(1);
      io.out(`pong from ${address(config)} in ${ms} ms, server time ${new Date(time).toISOString()}`);
    }),
  suites: (config, rest, io) => noArguments("suites", rest, io) ?? listSuites(config, io),
  forget,
  register: (config, rest, io) => accountCommand(config, "register", rest, io),
  login: (config, rest, io) => accountCommand(config, "login", rest, io),
  passwd: (config, rest, io) => accountCommand(config, "passwd", rest, io),
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

/** Connects, secures, pins, runs `use`, and closes cleanly. */
async function withClient(
  config: MimiConfig,
  io: ClientIo,
  use: (client: MimiClient) => Promise<void>,
): Promise<number> {
  const server = address(config);
  let client: MimiClient | undefined;
  try {
    const known = await KnownServers.load(expandHome(config.client.knownServersFile));
    const provider = await detectProvider();
    const options = secureOptionsFromConfig(
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
    const raw = await connectTcp(config.client.host, config.client.tcpPort, {
      maxFrameBytes: clientFrameLimit(options),
      tls: config.client.tls ? { caCerts } : undefined,
    });
    const { duplex, result } = await performClientHandshake(raw, options);
    io.err(`mimi client: secure connection to ${server} (${suiteName(result.suite)}, ${provider.name})`);
    client = new MimiClient(duplex, { channelBinding: result.secrets.exporter });
    await use(client);
    return 0;
  } catch (error) {
    // Reported here rather than in runClient so the connection is closed (below) before the process exits.
    io.err(`mimi client: ${oneLine(error)}`);
    return 1;
  } finally {
    if (client) {
      await client.close();
      await client.closed;
    }
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
  const { invite, rest } = command === "register" ? takeInvite(args) : { invite: undefined, rest: args };
  if (invite === "") {
    io.err('mimi client: usage: register --invite CODE <user> <nickname…>; "register --help" shows an example');
    return 2;
  }
  const [name, ...nicknameWords] = rest;
  const expected = command === "register" ? rest.length >= 2 : rest.length === 1;
  if (!expected) {
    io.err(
      `mimi client: usage: ${command} <user>${command === "register" ? " <nickname…>" : ""}; ` +
        `"${command} --help" shows an example`,
    );
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
  return await withClient(config, io, async (client) => {
    if (command === "register") {
      const user = await register(client, username, nickname, password, { invite });
      io.out(`Registered ${user.username} (${user.nickname}). Log in with: deno task client -- login ${user.username}`);
      return;
    }
    const bundle = await login(client, username, password);
    if (command === "passwd") {
      await changePassword(client, fresh!);
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
  });
}

/** Takes `--invite CODE` (or `--invite=CODE`) out of `register`'s arguments; `invite` is "" when the code is missing. */
function takeInvite(args: string[]): { invite: string | undefined; rest: string[] } {
  const at = args.findIndex((arg) => arg === "--invite" || arg.startsWith("--invite="));
  if (at === -1) return { invite: undefined, rest: args };
  const inline = args[at].startsWith("--invite=");
  const invite = inline ? args[at].slice("--invite=".length) : args[at + 1] ?? "";
  return { invite, rest: args.toSpliced(at, inline ? 1 : 2) };
}

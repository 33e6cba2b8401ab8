// The terminal client: `mimi client <command>`, over the secure channel on TCP.

import type { MimiConfig } from "../core/config/schema.ts";
import { MimiClient } from "../core/client/client.ts";
import { clientFrameLimit, secureOptionsFromConfig, secureTransport } from "../core/client/secure.ts";
import { HandshakeError } from "../core/crypto/errors.ts";
import { detectProvider } from "../core/crypto/primitives/detect.ts";
import { ALGORITHMS, suiteName } from "../core/crypto/suites.ts";
import { changePassword, login, register } from "../core/client/accounts.ts";
import { sortContacts } from "../core/client/contacts.ts";
import { expandHome, KnownServers } from "./known_servers.ts";
import { readPassword } from "./prompt.ts";
import { connectTcp } from "./tcp.ts";

const USAGE = `Usage: mimi client <command> [args]

Commands:
  echo <text…>         send text to the server and print what comes back
  ping                 print the round-trip time and the server clock
  register <user> <nickname…>
                       create an account (the password is asked for; it never leaves this machine)
  login <user>         log in and show your profile, friends and friend requests
  passwd <user>        change your password
  suites               list the cipher suites this client can offer
  forget <host:port>   drop the pinned key of a server (after it changed on purpose)
  help                 show this help

The server address comes from config.json ("client" section), MIMI_CLIENT_*
variables or flags such as --client.host=10.0.0.5 --client.tcpPort=8111.
Choose the suite of one connection with flags, e.g.
  --crypto.kex=p256 --crypto.aead=chacha20-poly1305 --crypto.hash=sha384 --crypto.sig=ecdsa-p256`;

/** Output channels, replaceable in tests. */
export interface ClientIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const STDIO: ClientIo = { out: console.log, err: console.error };

/**
 * Runs one terminal-client command.
 *
 * @param config Resolved configuration (the `client` section names the server).
 * @param args Command and its arguments, e.g. `["echo", "你好"]`.
 * @param io Where results (`out`) and notices (`err`) go.
 * @returns The process exit code: 0 on success, 1 on failure, 2 on bad usage.
 */
export async function runClient(config: MimiConfig, args: string[], io: ClientIo = STDIO): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case undefined:
      io.out(USAGE);
      return 2;
    case "help":
    case "--help":
      io.out(USAGE);
      return 0;
    case "suites":
      return await listSuites(config, io);
    case "forget":
      return await forget(config, rest, io);
    case "register":
    case "login":
    case "passwd":
      return await accountCommand(config, command, rest, io);
    case "echo":
    case "ping":
      return await withClient(config, io, async (client) => {
        if (command === "echo") {
          const reply = await client.echo(rest.join(" "));
          io.out(typeof reply === "string" ? reply : JSON.stringify(reply));
        } else {
          const started = performance.now();
          const time = await client.ping();
          const ms = (performance.now() - started).toFixed(1);
          io.out(`pong from ${address(config)} in ${ms} ms, server time ${new Date(time).toISOString()}`);
        }
      });
    default:
      io.err(`mimi client: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
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
    const { transport, result } = await secureTransport(raw, options);
    io.err(`mimi client: secure connection to ${server} (${suiteName(result.suite)}, ${provider.name})`);
    client = new MimiClient(transport, { channelBinding: result.secrets.exporter });
    await use(client);
    return 0;
  } catch (error) {
    io.err(`mimi client: ${(error as Error).message}`);
    return 1;
  } finally {
    if (client) {
      client.close();
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
  const target = rest[0] ?? address(config);
  const known = await KnownServers.load(expandHome(config.client.knownServersFile));
  if (await known.forget(target)) {
    io.out(`Forgot the key of ${target}; the next connection pins the key it presents.`);
    return 0;
  }
  io.err(`mimi client: no key is pinned for ${target} in ${known.path}`);
  return 1;
}

async function accountCommand(config: MimiConfig, command: string, args: string[], io: ClientIo): Promise<number> {
  const { invite, rest } = command === "register" ? takeInvite(args) : { invite: undefined, rest: args };
  if (invite === "") {
    io.err("mimi client: usage: register --invite CODE <user> <nickname…>");
    return 2;
  }
  const [username, ...nickname] = rest;
  if (!username || (command === "register" && nickname.length === 0)) {
    io.err(`mimi client: usage: ${command} <user>${command === "register" ? " <nickname…>" : ""}`);
    return 2;
  }
  const password = await readPassword(command === "passwd" ? "Current password: " : "Password: ");
  const fresh = command === "passwd" ? await readPassword("New password: ") : undefined;
  return await withClient(config, io, async (client) => {
    if (command === "register") {
      const user = await register(client, username, nickname.join(" "), password, { invite });
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

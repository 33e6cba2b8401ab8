// `echo`, `ping`, `suites` and `forget`: talking to the server without an account, and the client's own settings.

import { detectProvider, OPS } from "../../core/client/mod.ts";
import { ALGORITHMS } from "../../core/crypto/suites.ts";
import type { MimiConfig } from "../../core/config/schema.ts";
import { address, withConnection } from "../connection.ts";
import type { ClientIo } from "../io.ts";
import { expandHome, KnownServers } from "../known_servers.ts";

/** Sends the words to the server and prints what comes back. */
export function echo(config: MimiConfig, rest: string[], io: ClientIo): Promise<number> {
  return withConnection(config, io, {}, async (connection) => {
    const reply = await connection.call(OPS.echo, rest.join(" "));
    io.out(typeof reply === "string" ? reply : JSON.stringify(reply));
  });
}

/** Prints the round-trip time and the server's clock. */
export function ping(config: MimiConfig, io: ClientIo): Promise<number> {
  return withConnection(config, io, {}, async (connection) => {
    const started = performance.now();
    const { time } = await connection.call(OPS.ping, {});
    const ms = (performance.now() - started).toFixed(1);
    io.out(`pong from ${address(config)} in ${ms} ms, server time ${new Date(time).toISOString()}`);
  });
}

/**
 * Lists the algorithms this client can offer and which the configuration offers. `--json` prints `{ primitives,
 * kex, aead, hash, sig: [{ id, offered, preference }], ffdhe: { modulus, base } }`, preference 1 first and null when
 * not offered.
 */
export async function listSuites(config: MimiConfig, io: ClientIo, json = false): Promise<number> {
  const provider = await detectProvider();
  const parts = ["kex", "aead", "hash", "sig"] as const;
  const table = Object.fromEntries(parts.map((part) => {
    const offered = config.crypto[part] as readonly string[];
    return [
      part,
      ALGORITHMS[part].map((id) => {
        const at = offered.indexOf(id);
        return { id, offered: at !== -1, preference: at === -1 ? null : at + 1 };
      }),
    ];
  })) as Record<(typeof parts)[number], { id: string; offered: boolean; preference: number | null }[]>;
  if (json) {
    io.out(JSON.stringify(
      { primitives: provider.name, ...table, ffdhe: { modulus: config.crypto.modulus, base: config.crypto.base } },
      null,
      2,
    ));
    return 0;
  }
  io.out(`Primitives: ${provider.name}`);
  for (const part of parts) {
    const rows = table[part].map(({ id, preference }) =>
      `  ${id.padEnd(20)}${preference === null ? "not offered" : `offered, preference ${preference}`}`
    );
    io.out(`${part}:\n${rows.join("\n")}`);
  }
  io.out(`ffdhe group: ${config.crypto.modulus} (generator ${config.crypto.base})`);
  io.out("Choose for one connection with flags, e.g. --crypto.aead=chacha20-poly1305");
  return 0;
}

/** Drops the pinned key of a server. */
export async function forget(config: MimiConfig, rest: string[], io: ClientIo): Promise<number> {
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

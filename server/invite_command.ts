// `mimi invite [--count N] [--days N]`: makes single-use invite codes in the server's database, even while it runs.

import type { MimiConfig } from "../core/config/schema.ts";
import { createInvites, DEFAULT_INVITE_DAYS, INVITE_LIMITS } from "./services/accounts/invites.ts";
import { prepareDataDir } from "./data_dir.ts";
import { createLogger } from "./log.ts";
import { openSqliteStore } from "./store/sqlite.ts";

/** Output channels, replaceable in tests. */
export interface InviteIo {
  /** One code per line: the only output meant for a pipe. */
  out: (line: string) => void;
  /** The hint and errors. */
  err: (line: string) => void;
}

const STDIO: InviteIo = { out: console.log, err: console.error };

/** What `mimi invite` takes, shown on bad usage. */
export const INVITE_USAGE = "Usage: mimi invite [--count N] [--days N]   (default: 1 code, valid 7 days)";

/**
 * Makes invite codes and prints each once. The database is the server's (`server.dataDir/mimi.db`); SQLite's WAL mode
 * and busy timeout let this run while the server does, and the server sees the codes at once.
 *
 * @param config Resolved configuration (`server.dataDir`, and `server.registration` for the hint).
 * @param args The arguments after `invite`.
 * @param io Where the codes (`out`) and the hint (`err`) go.
 * @param now Clock in milliseconds.
 * @returns The exit code: 0 on success, 1 when the database fails, 2 on bad usage.
 */
export async function runInvite(
  config: MimiConfig,
  args: string[],
  io: InviteIo = STDIO,
  now: () => number = Date.now,
): Promise<number> {
  const parsed = parseArgs(args);
  if ("error" in parsed) {
    io.err(`mimi invite: ${parsed.error}\n${INVITE_USAGE}`);
    return 2;
  }
  let made: { codes: string[]; expiresAt: number };
  try {
    // The server's own preparation, so the directory and database are private whoever creates them first; no lock,
    // since this runs beside the server.
    const log = createLogger("warn", (record) => {
      if (record.event === "permissions_tightened") {
        io.err(`mimi invite: made ${record.path} private to its owner (mode ${record.from} → ${record.to})`);
      }
    });
    const dir = await prepareDataDir(config.server.dataDir, log, { lock: false });
    const store = openSqliteStore(dir.databasePath);
    try {
      made = await createInvites(store, { ...parsed, now: now() });
    } finally {
      await store.close();
    }
  } catch (error) {
    // Reported, not swallowed: the exit code says it failed and no code was printed.
    io.err(`mimi invite: ${(error as Error).message}`);
    return 1;
  }
  for (const code of made.codes) io.out(code);
  const mode = config.server.registration;
  const note = mode === "invite"
    ? ""
    : ` (server.registration is "${mode}": codes are asked for only in "invite" mode)`;
  io.err(
    `${made.codes.length === 1 ? "1 invite code" : `${made.codes.length} invite codes`}, one account each, until ` +
      `${new Date(made.expiresAt).toISOString()}; shown only now. Register with: deno task client -- register ` +
      `--invite CODE <user> <nickname>, or in the web client${note}`,
  );
  return 0;
}

/** Reads `--count N` and `--days N` (or `--count=N`) within {@linkcode INVITE_LIMITS}; anything else is a usage error. */
function parseArgs(args: string[]): { count: number; days: number } | { error: string } {
  const values = { count: 1, days: DEFAULT_INVITE_DAYS };
  for (let i = 0; i < args.length; i++) {
    const match = /^--(count|days)(?:=(.*))?$/.exec(args[i]);
    if (!match) return { error: `unexpected argument "${args[i]}"` };
    const name = match[1] as "count" | "days";
    const text = match[2] ?? args[++i];
    const most = name === "count" ? INVITE_LIMITS.maxCount : INVITE_LIMITS.maxDays;
    if (text === undefined || !/^\d+$/.test(text) || Number(text) < 1 || Number(text) > most) {
      return { error: `--${name} needs a whole number from 1 to ${most}` };
    }
    values[name] = Number(text);
  }
  return values;
}

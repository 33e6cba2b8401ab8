// The data directory: created private (0700), locked by one server at a time, its files readable by the owner only.

import type { Logger } from "./log.ts";
import { osReason, StartupError } from "./startup_error.ts";

/** The lock file; a server holds an exclusive lock on it while it runs. */
export const LOCK_FILE = "mimi.lock";

/** The database file and the journal files SQLite keeps beside it. */
export const DATABASE_FILE = "mimi.db";
const DATABASE_COMPANIONS = ["-wal", "-shm", "-journal"];

/** A prepared data directory, locked for this process. */
export interface DataDir {
  /** Absolute path. */
  readonly path: string;
  /** Path of the database file, which exists and is 0600. */
  readonly databasePath: string;
  /** Releases the lock; safe to call more than once. */
  release(): void;
}

const POSIX = Deno.build.os !== "windows";

/**
 * Prepares the data directory: creates it with mode 0700 whatever the umask
 * (and tightens an existing one that others could read), takes the lock that
 * keeps a second server off the same data, and makes sure the database and its
 * journal files are 0600 before SQLite opens them (SQLite gives new journal
 * files the database file's mode).
 *
 * @param configured `server.dataDir` as configured.
 * @param logger Where a tightened mode is reported.
 * @param options `lock: false` for a tool that works beside a running server (`mimi invite`): same modes, no lock.
 * @returns The directory, locked unless asked not to; throws {@link StartupError} naming `server.dataDir` and the path.
 */
export async function prepareDataDir(
  configured: string,
  logger: Logger,
  options: { lock?: boolean } = {},
): Promise<DataDir> {
  const fail = (what: string, error?: unknown) =>
    new StartupError(`Cannot use the data directory ${configured} (server.dataDir): ${what}`, "server.dataDir", {
      cause: error,
    });
  let path: string;
  try {
    await Deno.mkdir(configured, { recursive: true, mode: 0o700 });
    path = await Deno.realPath(configured);
    const info = await Deno.stat(path);
    if (!info.isDirectory) throw fail("it is not a directory");
    await tighten(path, 0o700, logger);
  } catch (error) {
    if (error instanceof StartupError) throw error;
    throw fail(osReason(error), error);
  }
  const lock = options.lock === false ? undefined : await takeLock(path, fail);
  const databasePath = `${path}/${DATABASE_FILE}`;
  try {
    for (const file of [DATABASE_FILE, ...DATABASE_COMPANIONS.map((suffix) => DATABASE_FILE + suffix)]) {
      await tighten(`${path}/${file}`, 0o600, logger);
    }
    // Created here rather than by SQLite, so that its mode, which the -wal and -shm files inherit, is ours.
    const file = await Deno.open(databasePath, { write: true, create: true, mode: 0o600 });
    file.close();
    if (POSIX) await Deno.chmod(databasePath, 0o600);
  } catch (error) {
    lock?.close();
    throw new StartupError(
      `Cannot prepare the database ${databasePath} (server.dataDir): ${osReason(error)}`,
      "server.dataDir",
      { cause: error },
    );
  }
  let released = false;
  return {
    path,
    databasePath,
    release() {
      if (released) return;
      released = true;
      lock?.close(); // closing the file releases its lock
    },
  };
}

/** Takes the exclusive lock that keeps a second server off the directory, or says another one holds it. */
async function takeLock(path: string, fail: (what: string, error?: unknown) => StartupError): Promise<Deno.FsFile> {
  let lock: Deno.FsFile;
  try {
    lock = await Deno.open(`${path}/${LOCK_FILE}`, { read: true, write: true, create: true, mode: 0o600 });
  } catch (error) {
    throw fail(`cannot create ${LOCK_FILE} in it: ${osReason(error)}`, error);
  }
  if (!await lock.tryLock(true)) {
    lock.close();
    throw new StartupError(
      `Another Mimi server is already using the data directory ${path} (server.dataDir); stop it first, or give this one its own directory`,
      "server.dataDir",
    );
  }
  return lock;
}

/**
 * Makes `path` at most `mode` (group and others lose everything), logging when it changes; a missing file is fine.
 *
 * @param path A file or directory.
 * @param mode The mode it should have.
 * @param logger Where the change is reported.
 */
export async function tighten(path: string, mode: number, logger: Logger): Promise<void> {
  if (!POSIX) return;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  if (info.mode === null || (info.mode & 0o777 & ~mode) === 0) return;
  await Deno.chmod(path, mode);
  logger.warn("permissions_tightened", { path, from: (info.mode & 0o777).toString(8), to: mode.toString(8) });
}

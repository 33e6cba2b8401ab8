// Syncs SQLite's write-ahead log to disk off the event loop, for the group commit's acknowledgements.

import { messageOf, StoreError } from "./errors.ts";

/** Makes what a connection has committed into its write-ahead log durable, without blocking the event loop. */
export interface WalSync {
  /**
   * Flushes the log file's data to the disk (fdatasync on a thread of Deno's blocking pool).
   *
   * @throws {StoreError} When the flush fails: what was committed since the last flush may not survive a power loss.
   */
  sync(): Promise<void>;
  /** Closes the file handle; later calls to `sync` reject. */
  close(): void;
}

/**
 * Opens the write-ahead log of a database in WAL mode, to sync it. The log must exist: SQLite creates it when the
 * connection first reads the database in WAL mode ({@linkcode openDatabase} does so), and keeps it while a connection
 * holds the database open, so the handle opened here stays on the file SQLite writes (a checkpoint truncates or
 * rewrites the file, never replaces it).
 *
 * Why a second handle works: fdatasync flushes a file's dirty pages whichever descriptor wrote them. SQLite keeps no
 * POSIX lock on the log file itself (its WAL locks are on `-shm` and the database), so closing this handle releases
 * none of SQLite's locks.
 *
 * @param databasePath The database file; `:memory:` and `""` (no log) give a sync that does nothing.
 * @returns The syncer.
 * @throws {StoreError} When the log cannot be opened.
 *
 * @example
 * ```ts
 * import { openWalSync } from "./wal_sync.ts";
 * const wal = openWalSync(":memory:");
 * await wal.sync(); // nothing to flush in memory
 * wal.close();
 * ```
 */
export function openWalSync(databasePath: string): WalSync {
  if (databasePath === ":memory:" || databasePath === "") {
    return { sync: () => Promise.resolve(), close: () => {} };
  }
  const path = `${databasePath}-wal`;
  let file: Deno.FsFile;
  try {
    // Write access is not needed by Linux for fdatasync, but other systems refuse it on a read-only descriptor.
    file = Deno.openSync(path, { read: true, write: true });
  } catch (err) {
    throw new StoreError(`Cannot open the write-ahead log ${path}: ${messageOf(err)}`, {
      cause: err,
    });
  }
  let open = true;
  return {
    async sync() {
      if (!open) throw new StoreError(`Cannot sync the write-ahead log ${path}: it is closed`);
      try {
        await file.syncData();
      } catch (err) {
        throw new StoreError(`Cannot sync the write-ahead log ${path}: ${messageOf(err)}`, {
          cause: err,
        });
      }
    },
    close() {
      if (!open) return;
      open = false;
      file.close();
    },
  };
}

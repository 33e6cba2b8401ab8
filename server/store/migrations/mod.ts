// Schema migrations: the ordered list and the runner that applies them, one transaction each.

import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";
import { messageOf, MigrationError, SchemaTooNewError, StoreError } from "../errors.ts";
import { initial } from "./001_initial.ts";
import { profile } from "./002_profile.ts";
import { invites } from "./003_invites.ts";
import { devices } from "./004_devices.ts";
import { blobs } from "./005_blobs.ts";
import { friends } from "./006_friends.ts";
import { conversations } from "./007_conversations.ts";

export type { Migration } from "./migration.ts";

/** Every migration, oldest first; `MIGRATIONS[i].version === i + 1`. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  initial,
  profile,
  invites,
  devices,
  blobs,
  friends,
  conversations,
]);

/** The schema version a fully migrated database has. */
export const LATEST_VERSION: number = MIGRATIONS.length;

/**
 * Reads the schema version (`PRAGMA user_version`; 0 for a new database).
 *
 * @param db An open database.
 * @returns The stored schema version.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { schemaVersion } from "./mod.ts";
 * console.log(schemaVersion(new DatabaseSync(":memory:"))); // 0
 * ```
 */
export function schemaVersion(db: DatabaseSync): number {
  const version = db.prepare("PRAGMA user_version").get()?.user_version;
  if (typeof version !== "number") throw new StoreError(`Cannot read schema version: got ${String(version)}`);
  return version;
}

/**
 * Throws {@linkcode SchemaTooNewError} when the database was written by a
 * newer Mimi. Callers run this before touching the file in any other way.
 *
 * @param db An open database.
 * @returns The stored schema version, known to be at most {@linkcode LATEST_VERSION}.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { assertSchemaSupported } from "./mod.ts";
 * assertSchemaSupported(new DatabaseSync(":memory:")); // 0
 * ```
 */
export function assertSchemaSupported(db: DatabaseSync): number {
  const version = schemaVersion(db);
  if (version > LATEST_VERSION) throw new SchemaTooNewError(version, LATEST_VERSION);
  return version;
}

/**
 * Brings the schema up to `upTo` (default: the newest). Each pending
 * migration runs in its own `BEGIN IMMEDIATE` transaction that also sets
 * `user_version`, so a crash or a failing migration leaves the database at
 * the last completed version. The version is re-read inside each
 * transaction, so two processes opening the same file cannot both apply a
 * step. A database already past `upTo` is left alone (never downgraded).
 *
 * @param db An open database that is not inside a transaction.
 * @param upTo Target version, from 0 to {@linkcode LATEST_VERSION}; tests use it to build older databases.
 * @returns The schema version afterwards.
 * @throws {SchemaTooNewError} The database is newer than this Mimi.
 * @throws {MigrationError} A migration failed; its changes were rolled back.
 * @throws {RangeError} `upTo` is not a known version.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate } from "./mod.ts";
 * const db = new DatabaseSync(":memory:");
 * migrate(db, 1); // 1
 * migrate(db); // LATEST_VERSION
 * ```
 */
export function migrate(db: DatabaseSync, upTo: number = LATEST_VERSION): number {
  if (!Number.isInteger(upTo) || upTo < 0 || upTo > LATEST_VERSION) {
    throw new RangeError(`Cannot migrate to version ${upTo}: expected an integer from 0 to ${LATEST_VERSION}`);
  }
  let current = assertSchemaSupported(db);
  while (current < upTo) current = applyNext(db, upTo);
  return current;
}

/** Applies the migration after the current version, unless another connection got there first. */
function applyNext(db: DatabaseSync, upTo: number): number {
  try {
    db.exec("BEGIN IMMEDIATE");
  } catch (err) {
    throw new StoreError(`Cannot start migration transaction: ${messageOf(err)}`, { cause: err });
  }
  try {
    const current = assertSchemaSupported(db);
    if (current >= upTo) {
      db.exec("COMMIT");
      return current;
    }
    const migration = MIGRATIONS[current];
    try {
      migration.up(db);
      // PRAGMA takes no bound parameters; the version is an integer from our own list.
      db.exec(`PRAGMA user_version = ${migration.version}`);
      db.exec("COMMIT");
    } catch (err) {
      throw new MigrationError(migration.version, migration.name, err);
    }
    return migration.version;
  } catch (err) {
    // SQLite may already have rolled back (e.g. after SQLITE_FULL); ROLLBACK would then fail and hide `err`.
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err instanceof StoreError
      ? err
      : new StoreError(`Cannot migrate database: ${messageOf(err)}`, { cause: err });
  }
}

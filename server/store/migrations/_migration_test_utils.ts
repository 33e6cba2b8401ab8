// Helpers of the migration tests: reading rows and schema names, a store opened on a file of an older version, and a
// migration that fails being rolled back. Each migration test seeds its own database of the version before.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { MigrationError } from "../errors.ts";
import { openSqliteStore } from "../sqlite.ts";
import type { Store } from "../types.ts";
import type { Migration } from "./migration.ts";
import { migrate } from "./mod.ts";

/** A user of a seeded database: id, username (its key is the username lowercased), nickname, record, created_at. */
export type SeedUser = [id: number, username: string, nickname: string, record: Uint8Array, createdAt: number];

/** Opens the database at `path` with foreign keys on, migrates it up to `version` and inserts `users`. */
export function databaseAt(path: string, version: number, users: SeedUser[]): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db, version);
  const user = db.prepare(
    "INSERT INTO users (id, username, username_key, nickname, registration_record, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  for (const [id, username, nickname, record, createdAt] of users) {
    user.run(id, username, username.toLowerCase(), nickname, record, createdAt);
  }
  return db;
}

/** Every row `sql` selects, as plain objects (node:sqlite's rows have a null prototype, which deepEqual minds). */
export function rows(db: DatabaseSync, sql: string, ...params: (number | string | Uint8Array | null)[]): unknown[] {
  return db.prepare(sql).all(...params).map((row) => ({ ...row }));
}

/** A table's columns as `pragma_table_info` gives them: name, type, whether NOT NULL, place in the primary key. */
export function columns(db: DatabaseSync, table: string): unknown[] {
  return rows(db, `SELECT name, type, "notnull", pk FROM pragma_table_info('${table}') ORDER BY cid`);
}

/** The names of the database's own tables or indexes, sorted. */
export function names(db: DatabaseSync, type: "table" | "index"): string[] {
  return rows(db, "SELECT name FROM sqlite_schema WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name", type)
    .map((row) => (row as { name: string }).name);
}

/** The database's `user_version`. */
export function userVersion(db: DatabaseSync): unknown {
  return db.prepare("PRAGMA user_version").get()?.user_version;
}

/**
 * Writes a database file with `make` (which seeds it at an older version) in a temporary directory, opens a store on
 * it (which upgrades it), runs `fn` with the store, and closes the store and removes the directory whatever happens.
 */
export async function withStoreOn(
  make: (path: string) => DatabaseSync,
  fn: (store: Store) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "mimi_store_" });
  try {
    const path = `${dir}/before.db`;
    make(path).close();
    const store = openSqliteStore(path);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Asserts that migrating `db` up to `migration` fails with its MigrationError (the test made something it creates
 * exist already) and that the database is left at version `before`, outside any transaction.
 */
export function assertRollsBack(db: DatabaseSync, migration: Migration, before: number): void {
  assert.throws(() => migrate(db, migration.version), (err: unknown) => {
    assert.ok(err instanceof MigrationError);
    assert.equal(err.version, migration.version);
    assert.equal(err.migration, migration.name);
    assert.match(err.message, /already exists/);
    return true;
  });
  assert.equal(userVersion(db), before);
  assert.equal(db.isTransaction, false);
}

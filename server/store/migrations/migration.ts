// The shape of one schema step, apart from the list in mod.ts so each migration file can name it without importing
// the list that imports it (no import circle).

import type { DatabaseSync } from "node:sqlite";

/**
 * One step of the schema. `up` runs inside a transaction opened by
 * `migrate` (mod.ts), so it must not BEGIN/COMMIT itself, and pragmas that
 * are no-ops inside a transaction (`foreign_keys`, `journal_mode`) cannot be
 * changed by a migration.
 */
export interface Migration {
  /** The `user_version` the database has after this step; versions run 1, 2, 3… without gaps. */
  version: number;
  name: string;
  up(db: DatabaseSync): void;
}

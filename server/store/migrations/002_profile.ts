// Migration 2: profile columns on users (last seen time and font preference).

import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";

/**
 * Adds nullable `last_seen_at`, `font_family` and `font_size` to `users`.
 * ADD COLUMN leaves existing rows untouched (the new columns read as NULL),
 * so no table rebuild is needed.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate } from "./mod.ts";
 * import { profile } from "./002_profile.ts";
 * const db = new DatabaseSync(":memory:");
 * migrate(db, 1);
 * profile.up(db);
 * ```
 */
export const profile: Migration = {
  version: 2,
  name: "profile",
  up(db: DatabaseSync): void {
    db.exec(`
      ALTER TABLE users ADD COLUMN last_seen_at INTEGER;
      ALTER TABLE users ADD COLUMN font_family TEXT;
      ALTER TABLE users ADD COLUMN font_size INTEGER CHECK (font_size IS NULL OR font_size > 0);
    `);
  },
};

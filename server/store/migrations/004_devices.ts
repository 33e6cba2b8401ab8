// Migration 4: remembered devices; the message, blob and read-state tables that nothing used are dropped.

import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";

/**
 * Drops `read_state`, `messages` and `blobs` (their indexes go with them): no code ever wrote them, and the message
 * design that comes will make its own tables. `messages` goes before `blobs`, which it references, so the implicit
 * DELETE that DROP TABLE runs under `foreign_keys=ON` breaks no reference.
 *
 * Creates `devices` (design: "Remembered devices"): the public key of a key pair the client keeps, per user, gone
 * with the user. AUTOINCREMENT makes an id name one device forever: a revoked device's id is never issued again, so
 * a stale id held by an old client, a log line or an audit record cannot come to mean someone else's new device.
 * `last_used_at` starts at `created_at` (a device is made by the login that uses it), so it is never NULL.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate } from "./mod.ts";
 * import { devices } from "./004_devices.ts";
 * const db = new DatabaseSync(":memory:");
 * migrate(db, 3);
 * devices.up(db);
 * ```
 */
export const devices: Migration = {
  version: 4,
  name: "devices",
  up(db: DatabaseSync): void {
    db.exec(`
      DROP TABLE read_state;
      DROP TABLE messages;
      DROP TABLE blobs;

      CREATE TABLE devices (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL CHECK (name <> ''),
        public_key BLOB NOT NULL UNIQUE CHECK (length(public_key) > 0),
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL
      ) STRICT;
      -- listFor(): a user's devices in id order.
      CREATE INDEX devices_user ON devices (user_id, id);
    `);
  },
};

// Migration 8: what the database knows of blobs (their bytes live in files, server/blobs/) and of uploads in progress.

import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";

/**
 * Creates `blobs`, `blob_uploaders` and `uploads` (PROTOCOL.md §15). Migration 4 already dropped the unused `blobs`
 * table of migration 1, which held bytes in the database; this one holds only metadata.
 *
 * - `blobs`: one row per finished blob, named by the SHA-256 of its bytes, with what its image header said.
 *   `uploaded_by` is the user whose upload made it exist (NULL once that account is gone).
 * - `blob_uploaders`: every user who uploaded the blob's bytes, the first one included. Each has proved they hold the
 *   bytes by sending them all, so each may read and reference the blob; a second upload of the same bytes adds a row
 *   here and changes nothing in `blobs`.
 * - `uploads`: uploads in progress, one per user and hash (so `upload_start` of the same hash resumes it), with the
 *   declared size, how much arrived, and when it last grew (the sweep of abandoned uploads reads `updated_at`).
 *   AUTOINCREMENT: an upload id, which also names the upload's file, never comes back for another upload.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate } from "./mod.ts";
 * import { blobs } from "./005_blobs.ts";
 * const db = new DatabaseSync(":memory:");
 * migrate(db, blobs.version - 1);
 * blobs.up(db);
 * ```
 */
export const blobs: Migration = {
  version: 5,
  name: "blobs",
  up(db: DatabaseSync): void {
    db.exec(`
      CREATE TABLE blobs (
        sha256 BLOB PRIMARY KEY CHECK (length(sha256) = 32),
        size INTEGER NOT NULL CHECK (size >= 0),
        mime TEXT NOT NULL CHECK (mime <> ''),
        width INTEGER NOT NULL CHECK (width >= 1),
        height INTEGER NOT NULL CHECK (height >= 1),
        created_at INTEGER NOT NULL,
        uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE blob_uploaders (
        sha256 BLOB NOT NULL REFERENCES blobs(sha256) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (sha256, user_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE uploads (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        sha256 BLOB NOT NULL CHECK (length(sha256) = 32),
        size INTEGER NOT NULL CHECK (size >= 1),
        received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
        kind TEXT NOT NULL CHECK (kind IN ('image')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (user_id, sha256)
      ) STRICT;
      -- staleUploads(): the uploads that stopped growing longest ago.
      CREATE INDEX uploads_updated ON uploads (updated_at);
    `);
  },
};

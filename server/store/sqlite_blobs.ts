// The SQLite blob repository: blob metadata, uploaders and uploads in progress (migration 008), run by the SQLite store
// (sqlite.ts), which prepares these statements with its own and hands the repository its way of running them.

import type { DatabaseSync, StatementSync } from "node:sqlite";
import { RecordNotFoundError, StoreError } from "./errors.ts";
import type { BlobRecord, BlobRepository, NewBlob, NewUpload, UploadRecord } from "./types_blobs.ts";

/**
 * The blob repository's statements, prepared once per connection; their names are unique among the store's.
 *
 * @param db The store's connection, migrated.
 * @returns The statements by name.
 */
export function prepareBlobStatements(db: DatabaseSync) {
  return {
    findBlob: db.prepare("SELECT * FROM blobs WHERE sha256 = :sha256"),
    // ON CONFLICT DO NOTHING, not INSERT OR IGNORE: OR IGNORE would also swallow CHECK and NOT NULL failures.
    insertBlob: db.prepare(
      `INSERT INTO blobs (sha256, size, mime, width, height, created_at, uploaded_by)
       VALUES (:sha256, :size, :mime, :width, :height, :createdAt, :uploadedBy)
       ON CONFLICT (sha256) DO NOTHING`,
    ),
    insertBlobUploader: db.prepare(
      `INSERT INTO blob_uploaders (sha256, user_id, created_at) VALUES (:sha256, :userId, :createdAt)
       ON CONFLICT (sha256, user_id) DO NOTHING`,
    ),
    isBlobUploader: db.prepare("SELECT 1 AS yes FROM blob_uploaders WHERE sha256 = :sha256 AND user_id = :userId"),
    createUpload: db.prepare(
      `INSERT INTO uploads (user_id, sha256, size, kind, created_at, updated_at)
       VALUES (:userId, :sha256, :size, :kind, :createdAt, :createdAt) RETURNING *`,
    ),
    findUpload: db.prepare("SELECT * FROM uploads WHERE id = :id"),
    findUploadOf: db.prepare("SELECT * FROM uploads WHERE user_id = :userId AND sha256 = :sha256"),
    setUploadReceived: db.prepare("UPDATE uploads SET received = :received, updated_at = :at WHERE id = :id"),
    deleteUpload: db.prepare("DELETE FROM uploads WHERE id = :id"),
    staleUploads: db.prepare("SELECT * FROM uploads WHERE updated_at < :before ORDER BY updated_at, id LIMIT :limit"),
    countOpenUploads: db.prepare(
      "SELECT count(*) AS n FROM uploads WHERE user_id = :userId AND updated_at >= :since",
    ),
  } satisfies Record<string, StatementSync>;
}

/** The statements of {@linkcode prepareBlobStatements}. */
export type BlobStatements = ReturnType<typeof prepareBlobStatements>;

/** How the store runs one operation of this repository (under its lock, or inside a transaction). */
type Run = <T>(action: string, fn: (statements: BlobStatements) => T) => Promise<T>;

type Row = Record<string, unknown>;

function integer(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== "number" || !Number.isInteger(value)) throw unexpected(column, value);
  return value;
}

function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== "string") throw unexpected(column, value);
  return value;
}

function bytes(row: Row, column: string): Uint8Array {
  const value = row[column];
  if (!(value instanceof Uint8Array)) throw unexpected(column, value);
  return value;
}

function unexpected(column: string, value: unknown): StoreError {
  const shown = value instanceof Uint8Array ? `${value.length} bytes` : JSON.stringify(value) ?? String(value);
  return new StoreError(`Unexpected value in column ${column}: ${shown}`);
}

function toBlob(row: Row): BlobRecord {
  return {
    sha256: bytes(row, "sha256"),
    size: integer(row, "size"),
    mime: text(row, "mime"),
    width: integer(row, "width"),
    height: integer(row, "height"),
    createdAt: integer(row, "created_at"),
    uploadedBy: row.uploaded_by === null ? null : integer(row, "uploaded_by"),
  };
}

function toUpload(row: Row): UploadRecord {
  const kind = text(row, "kind");
  if (kind !== "image") throw unexpected("kind", kind);
  return {
    id: integer(row, "id"),
    userId: integer(row, "user_id"),
    sha256: bytes(row, "sha256"),
    size: integer(row, "size"),
    received: integer(row, "received"),
    kind,
    createdAt: integer(row, "created_at"),
    updatedAt: integer(row, "updated_at"),
  };
}

/** A statement that must return a row. */
function returned(row: Row | undefined): Row {
  if (row === undefined) throw new StoreError("Statement returned no row");
  return row;
}

/**
 * The blob repository over the SQLite store's connection.
 *
 * @example
 * ```ts
 * import { openSqliteStore } from "./sqlite.ts";
 * const store = openSqliteStore(":memory:");
 * await store.blobs.find(new Uint8Array(32)); // undefined
 * await store.close();
 * ```
 */
export class SqliteBlobRepository implements BlobRepository {
  readonly #run: Run;

  /** @param run Runs one operation's statements: the store's lock, or the open transaction. */
  constructor(run: Run) {
    this.#run = run;
  }

  find(sha256: Uint8Array): Promise<BlobRecord | undefined> {
    return this.#run("find blob", (s) => {
      const row = s.findBlob.get({ sha256 });
      return row === undefined ? undefined : toBlob(row);
    });
  }

  add(blob: NewBlob): Promise<BlobRecord> {
    return this.#run("add blob", (s) => {
      const { sha256, size, mime, width, height, createdAt, uploadedBy } = blob;
      // Both statements run at once, under the same lock. The second can fail only for a missing user, and then the
      // first has failed already, on the same user as `uploaded_by`, or inserted nothing because the blob existed.
      s.insertBlob.run({ sha256, size, mime, width, height, createdAt, uploadedBy });
      s.insertBlobUploader.run({ sha256, userId: uploadedBy, createdAt });
      return toBlob(returned(s.findBlob.get({ sha256 })));
    });
  }

  isUploader(sha256: Uint8Array, userId: number): Promise<boolean> {
    return this.#run("check blob uploader", (s) => s.isBlobUploader.get({ sha256, userId }) !== undefined);
  }

  createUpload(upload: NewUpload): Promise<UploadRecord> {
    return this.#run("create upload", (s) => {
      const { userId, sha256, size, kind, createdAt } = upload;
      return toUpload(returned(s.createUpload.get({ userId, sha256, size, kind, createdAt })));
    });
  }

  findUpload(id: number): Promise<UploadRecord | undefined> {
    return this.#run("find upload", (s) => {
      const row = s.findUpload.get({ id });
      return row === undefined ? undefined : toUpload(row);
    });
  }

  findUploadOf(userId: number, sha256: Uint8Array): Promise<UploadRecord | undefined> {
    return this.#run("find upload", (s) => {
      const row = s.findUploadOf.get({ userId, sha256 });
      return row === undefined ? undefined : toUpload(row);
    });
  }

  setReceived(id: number, received: number, at: number): Promise<void> {
    return this.#run("record upload progress", (s) => {
      if (Number(s.setUploadReceived.run({ id, received, at }).changes) === 0) {
        throw new RecordNotFoundError("uploads", id);
      }
    });
  }

  deleteUpload(id: number): Promise<boolean> {
    return this.#run("delete upload", (s) => Number(s.deleteUpload.run({ id }).changes) === 1);
  }

  countOpenUploads(userId: number, since: number): Promise<number> {
    return this.#run("count open uploads", (s) => integer(s.countOpenUploads.get({ userId, since }) ?? {}, "n"));
  }

  staleUploads(before: number, limit: number): Promise<UploadRecord[]> {
    return this.#run("list stale uploads", (s) => s.staleUploads.all({ before, limit }).map(toUpload));
  }
}

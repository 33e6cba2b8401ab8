// Where blob bytes live: uploads in progress and finished, content-addressed blobs (PROTOCOL.md §15), behind one
// interface with a file implementation for the server and a memory one for tests. What the bytes mean, who may read
// them and which uploads exist is the database's business (server/store/), not this one's.

/** A finished blob's name and size, as {@linkcode BlobStore.finish} computed them from its bytes. */
export interface FinishedBlob {
  /** SHA-256 of the bytes, 32 bytes. */
  sha256: Uint8Array;
  size: number;
}

/**
 * Bytes of uploads in progress and of finished blobs.
 *
 * An upload is named by an id its caller chooses (letters, digits, `_` and `-`, 1 to 64 of them). It only ever grows
 * at its end, and the store keeps the SHA-256 of what it holds as it grows, so finishing never reads the whole upload
 * again. A blob is named by the SHA-256 of its bytes, which the store computes itself: a caller cannot put bytes under
 * another name. The calls on one upload take effect one at a time, in the order they were made.
 *
 * Failures of the backing medium reject with what it threw; the errors below are the ones callers branch on.
 */
export interface BlobStore {
  /**
   * Starts the upload `id`, or finds it if it exists (also after a restart, for a store that keeps its bytes).
   *
   * @returns How many bytes it holds: 0 for a new one.
   */
  begin(id: string): Promise<number>;
  /** How many bytes the upload holds, or undefined when there is no upload `id`. */
  received(id: string): Promise<number | undefined>;
  /**
   * Appends `bytes` at `offset`, which must be what the upload holds; nothing is written otherwise.
   *
   * @returns What the upload holds afterwards.
   * @throws {UploadNotFoundError} There is no upload `id`.
   * @throws {UploadOffsetError} `offset` is not what it holds.
   */
  append(id: string, offset: number, bytes: Uint8Array): Promise<number>;
  /**
   * The SHA-256 of every byte the upload holds; the upload goes on.
   *
   * @throws {UploadNotFoundError} There is no upload `id`.
   */
  digest(id: string): Promise<Uint8Array>;
  /**
   * Reads the upload's bytes from `offset`: `length` of them, or fewer at its end.
   *
   * @throws {UploadNotFoundError} There is no upload `id`.
   */
  readUpload(id: string, offset: number, length: number): Promise<Uint8Array>;
  /**
   * Makes the upload's bytes the blob named by their SHA-256 and ends the upload. When a blob of that name exists,
   * it is kept as it is (its bytes are the same). Once this resolves, the blob is durable.
   *
   * @returns The blob's name and size.
   * @throws {UploadNotFoundError} There is no upload `id`.
   */
  finish(id: string): Promise<FinishedBlob>;
  /** Removes the upload and its bytes; an unknown id is nothing to remove. */
  discard(id: string): Promise<void>;
  /** The ids of every upload in progress, in no particular order: to find those nobody knows of any more. */
  uploads(): Promise<string[]>;
  /** Whether a blob of this name exists. */
  has(sha256: Uint8Array): Promise<boolean>;
  /**
   * Reads a blob from `offset`: `length` bytes, or fewer at its end (none from its end on).
   *
   * @throws {BlobNotFoundError} There is no blob of this name.
   */
  read(sha256: Uint8Array, offset: number, length: number): Promise<Uint8Array>;
}

/** There is no upload of this id (never begun, finished or discarded). */
export class UploadNotFoundError extends Error {
  override name = "UploadNotFoundError";
  readonly id: string;

  constructor(id: string, options?: ErrorOptions) {
    super(`No upload ${id}`, options);
    this.id = id;
  }
}

/** An append at another offset than the upload's end; `received` is where the next one must start. */
export class UploadOffsetError extends Error {
  override name = "UploadOffsetError";
  readonly id: string;
  readonly offset: number;
  /** What the upload holds: the offset the next append must have. */
  readonly received: number;

  constructor(id: string, offset: number, received: number) {
    super(`Cannot append to upload ${id} at ${offset}: it holds ${received} bytes`);
    this.id = id;
    this.offset = offset;
    this.received = received;
  }
}

/** There is no blob of this name. */
export class BlobNotFoundError extends Error {
  override name = "BlobNotFoundError";
  /** The name, in hex. */
  readonly sha256: string;

  constructor(sha256: string, options?: ErrorOptions) {
    super(`No blob ${sha256}`, options);
    this.sha256 = sha256;
  }
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Throws TypeError unless `id` may name an upload: letters, digits, `_` and `-` only, so that it is a file name
 * that cannot reach outside the uploads directory.
 *
 * @param id The upload id.
 *
 * @example
 * ```ts
 * import { assertUploadId } from "./types.ts";
 * assertUploadId("42"); // fine
 * ```
 */
export function assertUploadId(id: string): void {
  if (!UPLOAD_ID.test(id)) {
    throw new TypeError(`Upload ids are 1 to 64 letters, digits, _ or -, not ${JSON.stringify(id)}`);
  }
}

/**
 * Throws RangeError unless `sha256` is a SHA-256 digest (32 bytes).
 *
 * @param sha256 The name of a blob.
 *
 * @example
 * ```ts
 * import { assertSha256 } from "./types.ts";
 * assertSha256(new Uint8Array(32)); // fine
 * ```
 */
export function assertSha256(sha256: Uint8Array): void {
  if (!(sha256 instanceof Uint8Array) || sha256.length !== 32) {
    throw new RangeError(`A blob name is a SHA-256 digest of 32 bytes, not ${sha256?.length} bytes`);
  }
}

/**
 * Throws RangeError unless `offset` and `length` are whole numbers from 0.
 *
 * @param offset Where a read or an append starts.
 * @param length How many bytes a read wants (0 for an append, which has its bytes).
 *
 * @example
 * ```ts
 * import { assertRange } from "./types.ts";
 * assertRange(0, 10); // fine
 * ```
 */
export function assertRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`Offset and length are whole numbers from 0, not ${offset} and ${length}`);
  }
}

// A BlobStore in memory, for tests of the code above it: the same contract as the file store, nothing kept.

import { sha256 as sha256Hash } from "@noble/hashes/sha2.js";
import { joinBytes } from "../../core/bytes/concat.ts";
import { hex } from "../../core/bytes/hex.ts";
import {
  assertRange,
  assertSha256,
  assertUploadId,
  BlobNotFoundError,
  type BlobStore,
  type FinishedBlob,
  UploadNotFoundError,
  UploadOffsetError,
} from "./types.ts";

/** One upload in progress: its chunks as they came, their count of bytes, and the running hash. */
interface Upload {
  chunks: Uint8Array[];
  length: number;
  hash: ReturnType<typeof sha256Hash.create>;
}

/**
 * A {@linkcode BlobStore} that holds everything in memory. Each call does its work in one synchronous step, so calls
 * never interleave.
 *
 * @example
 * ```ts
 * import { MemoryBlobStore } from "./memory.ts";
 * const blobs = new MemoryBlobStore();
 * await blobs.begin("1");
 * await blobs.append("1", 0, new Uint8Array([1, 2, 3]));
 * const { sha256, size } = await blobs.finish("1");
 * await blobs.read(sha256, 1, 10); // Uint8Array [2, 3]
 * size; // 3
 * ```
 */
export class MemoryBlobStore implements BlobStore {
  readonly #uploads = new Map<string, Upload>();
  readonly #blobs = new Map<string, Uint8Array>();

  begin(id: string): Promise<number> {
    return now(() => {
      assertUploadId(id);
      let upload = this.#uploads.get(id);
      if (!upload) this.#uploads.set(id, upload = { chunks: [], length: 0, hash: sha256Hash.create() });
      return upload.length;
    });
  }

  received(id: string): Promise<number | undefined> {
    return now(() => {
      assertUploadId(id);
      return this.#uploads.get(id)?.length;
    });
  }

  append(id: string, offset: number, bytes: Uint8Array): Promise<number> {
    return now(() => {
      const upload = this.#upload(id);
      assertRange(offset, 0);
      if (offset !== upload.length) throw new UploadOffsetError(id, offset, upload.length);
      // A copy: the caller may reuse its buffer.
      const copy = bytes.slice();
      upload.chunks.push(copy);
      upload.length += copy.length;
      upload.hash.update(copy);
      return upload.length;
    });
  }

  digest(id: string): Promise<Uint8Array> {
    return now(() => this.#upload(id).hash.clone().digest());
  }

  readUpload(id: string, offset: number, length: number): Promise<Uint8Array> {
    return now(() => {
      const upload = this.#upload(id);
      assertRange(offset, length);
      return joinBytes(upload.chunks).slice(offset, offset + length);
    });
  }

  finish(id: string): Promise<FinishedBlob> {
    return now(() => {
      const upload = this.#upload(id);
      const sha256 = upload.hash.digest();
      const name = hex(sha256);
      if (!this.#blobs.has(name)) this.#blobs.set(name, joinBytes(upload.chunks));
      this.#uploads.delete(id);
      return { sha256, size: upload.length };
    });
  }

  discard(id: string): Promise<void> {
    return now(() => {
      assertUploadId(id);
      this.#uploads.delete(id);
    });
  }

  uploads(): Promise<string[]> {
    return now(() => [...this.#uploads.keys()]);
  }

  has(sha256: Uint8Array): Promise<boolean> {
    return now(() => {
      assertSha256(sha256);
      return this.#blobs.has(hex(sha256));
    });
  }

  read(sha256: Uint8Array, offset: number, length: number): Promise<Uint8Array> {
    return now(() => {
      assertSha256(sha256);
      assertRange(offset, length);
      const bytes = this.#blobs.get(hex(sha256));
      if (!bytes) throw new BlobNotFoundError(hex(sha256));
      return bytes.slice(offset, offset + length);
    });
  }

  #upload(id: string): Upload {
    assertUploadId(id);
    const upload = this.#uploads.get(id);
    if (!upload) throw new UploadNotFoundError(id);
    return upload;
  }
}

/** Runs `fn` now and settles with its outcome, so a throw becomes a rejection as in an asynchronous store. */
function now<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}

// The BlobStore of the server: uploads in progress as files under <dataDir>/uploads/, finished blobs as files named by
// their SHA-256 under <dataDir>/blobs/<first 2 hex digits>/<other 62>, owner-only (files 0600, directories 0700).

import { sha256 as sha256Hash } from "@noble/hashes/sha2.js";
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

/** The folder of uploads in progress, in the data directory. */
export const UPLOADS_DIR = "uploads";
/** The folder of finished blobs, in the data directory. */
export const BLOBS_DIR = "blobs";

const POSIX = Deno.build.os !== "windows";

/** How much of an upload is read at once when its hash is rebuilt after a restart. */
const REHASH_CHUNK = 1 << 20;

/** What the store knows of an upload it has touched since it opened: its length and the hash of its bytes. */
interface UploadState {
  length: number;
  hash: ReturnType<typeof sha256Hash.create>;
}

/**
 * Opens the file blob store of a data directory, creating its two folders (0700) if they are missing and tightening
 * them if others could enter.
 *
 * @param dataDir The server's data directory (already prepared: server/data_dir.ts).
 * @returns The store.
 *
 * @example
 * ```ts ignore
 * import { openFileBlobStore } from "./file.ts";
 * const blobs = await openFileBlobStore("data");
 * ```
 */
export async function openFileBlobStore(dataDir: string): Promise<FileBlobStore> {
  for (const dir of [UPLOADS_DIR, BLOBS_DIR]) await privateDir(`${dataDir}/${dir}`);
  return new FileBlobStore(dataDir);
}

/**
 * A {@linkcode BlobStore} over files. An upload's file only grows at its end; its SHA-256 is kept in memory as chunks
 * arrive, and rebuilt by reading the file once when an upload from before a restart is touched again. A finished
 * upload is synced to disk and renamed into place, so a blob file is either absent or complete, never half written;
 * a crash leaves at most an upload file, which the caller's sweep of abandoned uploads removes.
 *
 * Use {@linkcode openFileBlobStore}, which prepares the folders.
 */
export class FileBlobStore implements BlobStore {
  readonly #uploadsDir: string;
  readonly #blobsDir: string;
  readonly #state = new Map<string, UploadState>();
  /** The tail of each upload's chain of calls, so the calls on one upload run one at a time, in order. */
  readonly #queues = new Map<string, Promise<unknown>>();

  /** @param dataDir A data directory whose `uploads/` and `blobs/` folders exist. */
  constructor(dataDir: string) {
    this.#uploadsDir = `${dataDir}/${UPLOADS_DIR}`;
    this.#blobsDir = `${dataDir}/${BLOBS_DIR}`;
  }

  begin(id: string): Promise<number> {
    return this.#serial(id, async () => {
      const state = await this.#load(id);
      if (state) return state.length;
      // createNew: two stores, or a leftover of a crash, never share a file by accident.
      const file = await Deno.open(this.#uploadPath(id), { write: true, createNew: true, mode: 0o600 });
      file.close();
      this.#state.set(id, { length: 0, hash: sha256Hash.create() });
      return 0;
    });
  }

  received(id: string): Promise<number | undefined> {
    return this.#serial(id, async () => (await this.#load(id))?.length);
  }

  async append(id: string, offset: number, bytes: Uint8Array): Promise<number> {
    assertRange(offset, 0);
    // A copy: the caller may reuse its buffer while the write waits its turn.
    const copy = bytes.slice();
    return await this.#serial(id, async () => {
      const state = await this.#need(id);
      if (offset !== state.length) throw new UploadOffsetError(id, offset, state.length);
      const file = await Deno.open(this.#uploadPath(id), { write: true });
      try {
        await file.seek(state.length, Deno.SeekMode.Start);
        try {
          await writeAll(file, copy);
        } catch (error) {
          // A short write (a full disk) must not leave bytes past what the hash covers: cut them off again.
          await file.truncate(state.length);
          throw error;
        }
      } finally {
        file.close();
      }
      state.hash.update(copy);
      state.length += copy.length;
      return state.length;
    });
  }

  digest(id: string): Promise<Uint8Array> {
    return this.#serial(id, async () => (await this.#need(id)).hash.clone().digest());
  }

  async readUpload(id: string, offset: number, length: number): Promise<Uint8Array> {
    assertRange(offset, length);
    return await this.#serial(id, async () => {
      const state = await this.#need(id);
      return await readRange(this.#uploadPath(id), offset, Math.max(0, Math.min(length, state.length - offset)));
    });
  }

  finish(id: string): Promise<FinishedBlob> {
    return this.#serial(id, async () => {
      const state = await this.#need(id);
      const sha256 = state.hash.clone().digest();
      const name = hex(sha256);
      const upload = this.#uploadPath(id);
      const dir = `${this.#blobsDir}/${name.slice(0, 2)}`;
      const target = `${dir}/${name.slice(2)}`;
      if (await exists(target)) {
        // The same bytes are there already: keep that file, which readers may have open.
        await Deno.remove(upload);
      } else {
        // Durable before it is visible: the bytes reach the disk, then the rename, then the directory entry.
        await sync(upload);
        await privateDir(dir);
        await Deno.rename(upload, target);
        await syncDir(dir);
      }
      this.#state.delete(id);
      return { sha256, size: state.length };
    });
  }

  discard(id: string): Promise<void> {
    return this.#serial(id, async () => {
      this.#state.delete(id);
      await removeIfThere(this.#uploadPath(id));
    });
  }

  async uploads(): Promise<string[]> {
    const ids: string[] = [];
    for await (const entry of Deno.readDir(this.#uploadsDir)) {
      // Anything else in the folder (a file a person put there) is not an upload of this store.
      if (entry.isFile && /^[A-Za-z0-9_-]{1,64}$/.test(entry.name)) ids.push(entry.name);
    }
    return ids;
  }

  async has(sha256: Uint8Array): Promise<boolean> {
    assertSha256(sha256);
    return await exists(this.#blobPath(sha256));
  }

  async read(sha256: Uint8Array, offset: number, length: number): Promise<Uint8Array> {
    assertSha256(sha256);
    assertRange(offset, length);
    try {
      return await readRange(this.#blobPath(sha256), offset, length);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) throw new BlobNotFoundError(hex(sha256), { cause: error });
      throw error;
    }
  }

  #uploadPath(id: string): string {
    assertUploadId(id);
    return `${this.#uploadsDir}/${id}`;
  }

  #blobPath(sha256: Uint8Array): string {
    const name = hex(sha256);
    return `${this.#blobsDir}/${name.slice(0, 2)}/${name.slice(2)}`;
  }

  /** The upload's state, rebuilt from its file when this store has not touched it yet; undefined without a file. */
  async #load(id: string): Promise<UploadState | undefined> {
    const known = this.#state.get(id);
    if (known) return known;
    let file: Deno.FsFile;
    try {
      file = await Deno.open(this.#uploadPath(id), { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    const state: UploadState = { length: 0, hash: sha256Hash.create() };
    try {
      const buffer = new Uint8Array(REHASH_CHUNK);
      for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
        state.hash.update(buffer.subarray(0, n));
        state.length += n;
      }
    } finally {
      file.close();
    }
    this.#state.set(id, state);
    return state;
  }

  async #need(id: string): Promise<UploadState> {
    const state = await this.#load(id);
    if (!state) throw new UploadNotFoundError(id);
    return state;
  }

  /** Runs `fn` after every earlier call on the upload `id` has settled. */
  #serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    try {
      assertUploadId(id);
    } catch (error) {
      // Rejected, not thrown: callers of an asynchronous store expect every failure as a rejection.
      return Promise.reject(error);
    }
    const previous = this.#queues.get(id) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    // The chain goes on whatever this call does; its failure is its caller's to handle, not the next call's.
    const tail = run.then(() => {}, () => {});
    this.#queues.set(id, tail);
    void tail.then(() => {
      if (this.#queues.get(id) === tail) this.#queues.delete(id);
    });
    return run;
  }
}

/** Creates a directory only its owner may enter, or tightens an existing one. */
async function privateDir(path: string): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
  if (POSIX && ((await Deno.stat(path)).mode ?? 0) & 0o077) await Deno.chmod(path, 0o700);
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function removeIfThere(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    // Already gone is what was wanted.
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
}

/** Reads `length` bytes from `offset`, or fewer where the file ends. */
async function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const file = await Deno.open(path, { read: true });
  try {
    await file.seek(offset, Deno.SeekMode.Start);
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const n = await file.read(out.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return out.subarray(0, filled);
  } finally {
    file.close();
  }
}

async function sync(path: string): Promise<void> {
  const file = await Deno.open(path, { read: true, write: true });
  try {
    await file.syncData();
  } finally {
    file.close();
  }
}

/** Makes a rename in `dir` durable (POSIX: fsync the directory); Windows cannot open a directory, nor needs to. */
async function syncDir(dir: string): Promise<void> {
  if (!POSIX) return;
  const handle = await Deno.open(dir, { read: true });
  try {
    await handle.sync();
  } finally {
    handle.close();
  }
}

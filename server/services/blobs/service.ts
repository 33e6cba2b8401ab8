// The blobs service: chunked, resumable uploads checked by size, SHA-256 and image header before they become visible,
// chunked downloads for those who may read, and the sweep of abandoned uploads (PROTOCOL.md §15).

import { constantTimeEqual } from "../../../core/bytes/equal.ts";
import { sniffImage } from "../../../core/protocol/image.ts";
import type { Clock } from "../../../core/time/clock.ts";
import type { BlobStore } from "../../blobs/types.ts";
import { RequestError } from "../../rpc/errors.ts";
import { defineService, type Service } from "../../rpc/service.ts";
import type { BlobRecord, Store, UploadRecord } from "../../store/types.ts";
import { KeyedLock } from "./keyed_lock.ts";

/** Whether a user may read a blob by a rule other than having uploaded it (a message referencing it, §15.2). */
export type MayRead = (userId: number, sha256: Uint8Array) => Promise<boolean>;

/** What the blobs service needs. */
export interface BlobsDeps {
  store: Store;
  /** Where the bytes live. */
  blobs: BlobStore;
  clock: Clock;
  /** `server.limits.imageBytes`, `imagePixels` and `openUploads`. */
  limits: { imageBytes: number; imagePixels: number; openUploads: number };
  /** `server.uploadTtlMs`: an upload without a chunk for this long is abandoned. */
  uploadTtlMs: number;
  /** Who may read a blob besides its uploaders; the messages service provides it. Default: nobody. */
  mayRead?: MayRead;
}

/** What a sweep removed. */
export interface SweepResult {
  /** Uploads that had no chunk for `uploadTtlMs`, with their bytes. */
  abandoned: number;
  /** Upload files no upload named any more (left by a crash, or by an account deleted with its uploads). */
  orphans: number;
}

/** The blobs service, and what other services use of it. */
export interface BlobsService extends Service {
  /**
   * The blob, if it exists and the user may put it in a message: they uploaded it, or may read it (`mayRead`).
   * For the messages service, which checks an image body's blob with it.
   */
  mayReference(userId: number, sha256: Uint8Array): Promise<BlobRecord | undefined>;
  /** Removes abandoned uploads now (upload_start does it at most once a minute), and upload files nobody knows. */
  sweep(): Promise<SweepResult>;
}

/** How often `upload_start` looks for abandoned uploads, at most. */
export const SWEEP_EVERY_MS = 60_000;

/** Most abandoned uploads one sweep removes, so one `upload_start` never waits for a huge backlog; the rest go next. */
const SWEEP_BATCH = 500;

/** An image's header is nearly always in its first bytes; only when it is not is the whole upload read. */
const HEADER_WINDOW = 64 * 1024;

/** Unknown, finished, discarded and someone else's uploads get this one answer. */
const noUpload = () => new RequestError("not_found", "No such upload");
/** Unknown, unfinished and unreadable blobs get this one answer, so it tells nothing about which exist. */
const noBlob = () => new RequestError("not_found", "No such blob");

/**
 * The blobs service.
 *
 * @param deps Store, blob store, clock, limits, upload lifetime and the extra read rule.
 * @returns The service, with `mayReference` and `sweep`.
 */
export function blobsService(deps: BlobsDeps): BlobsService {
  const { store, blobs, clock, limits, uploadTtlMs } = deps;
  const mayRead: MayRead = deps.mayRead ?? (() => Promise.resolve(false));
  /** Calls on one upload (start, chunk, finish, sweep) run one at a time, so checks and writes cannot interleave. */
  const locks = new KeyedLock<number>();
  /** Starts by one user run one at a time (keyed by user id). */
  const starts = new KeyedLock<number>();
  let lastSweep = -Infinity;

  /** The user's upload of this id, else `not_found`: another user's upload is as unknown as none. */
  async function ownUpload(uploadId: number, userId: number): Promise<UploadRecord> {
    const upload = await store.blobs.findUpload(uploadId);
    if (!upload || upload.userId !== userId) throw noUpload();
    return upload;
  }

  /**
   * What the blob store holds of an upload. Should its bytes be gone (removed by hand), it is unknown here, and
   * `upload_start` of its hash begins it again from 0.
   */
  async function held(upload: UploadRecord): Promise<number> {
    const received = await blobs.received(String(upload.id));
    if (received === undefined) throw noUpload();
    return received;
  }

  /** Removes an upload with its bytes: after a failed check, nothing of it stays. */
  async function discard(upload: UploadRecord): Promise<void> {
    await blobs.discard(String(upload.id));
    await store.blobs.deleteUpload(upload.id);
  }

  async function readable(userId: number, sha256: Uint8Array): Promise<BlobRecord | undefined> {
    const blob = await store.blobs.find(sha256);
    if (!blob) return undefined;
    return await store.blobs.isUploader(sha256, userId) || await mayRead(userId, sha256) ? blob : undefined;
  }

  async function sweep(): Promise<SweepResult> {
    const before = clock.now() - uploadTtlMs;
    let abandoned = 0;
    for (const stale of await store.blobs.staleUploads(before, SWEEP_BATCH)) {
      await locks.run(stale.id, async () => {
        // A chunk may have come since the list was read.
        const upload = await store.blobs.findUpload(stale.id);
        if (!upload || upload.updatedAt >= before) return;
        await discard(upload);
        abandoned++;
      });
    }
    let orphans = 0;
    for (const name of await blobs.uploads()) {
      // This service names uploads by their row's id; anything else in the folder is not its business.
      if (!/^[1-9][0-9]{0,15}$/.test(name)) continue;
      const id = Number(name);
      await locks.run(id, async () => {
        // The row is made before the file and removed after it, so a file without a row is left over.
        if (await store.blobs.findUpload(id)) return;
        await blobs.discard(name);
        orphans++;
      });
    }
    return { abandoned, orphans };
  }

  const service = defineService({
    name: "blobs",
    ops: {
      async uploadStart({ size, sha256, kind }, { user, logger }) {
        const now = clock.now();
        if (now - lastSweep >= SWEEP_EVERY_MS) {
          lastSweep = now;
          try {
            const swept = await sweep();
            if (swept.abandoned + swept.orphans > 0) logger.info("uploads_swept", { ...swept });
          } catch (error) {
            // Swallowed: a failed sweep leaves garbage for the next one, which is no reason to refuse this upload.
            logger.warn("uploads_sweep_failed", { error: String(error) });
          }
        }
        if (size > limits.imageBytes) {
          throw new RequestError("too_large", `An image may have at most ${limits.imageBytes} bytes, not ${size}`);
        }
        // One user's starts run one at a time, so two of the same hash cannot both create an upload.
        return await starts.run(user.id, async () => {
          const found = await store.blobs.findUploadOf(user.id, sha256);
          if (found) {
            const resumed = await locks.run(found.id, async () => {
              // Finished or discarded while this start waited: a new upload it is.
              const upload = await store.blobs.findUpload(found.id);
              if (!upload) return undefined;
              if (upload.size !== size) {
                // One of the two declarations is wrong, and bytes sent for the wrong one are worthless.
                await discard(upload);
                return undefined;
              }
              // Makes the file again if its bytes are gone; resuming counts as activity for the sweep.
              const received = await blobs.begin(String(upload.id));
              await store.blobs.setReceived(upload.id, received, clock.now());
              return { uploadId: upload.id, received };
            });
            if (resumed) return resumed;
          }
          // Counted under the user's start lock, so starts at once cannot all slip under the cap. Finished, discarded
          // and abandoned uploads (no chunk for uploadTtlMs, swept or not yet) free their place.
          const open = await store.blobs.countOpenUploads(user.id, clock.now() - uploadTtlMs);
          if (open >= limits.openUploads) {
            throw new RequestError(
              "too_many_uploads",
              `You have ${open} uploads in progress: finish one before starting another (at most ${limits.openUploads})`,
            );
          }
          // The row comes first, then the file: the sweep takes a file without a row for a crash's leftover.
          const upload = await store.blobs.createUpload({
            userId: user.id,
            sha256,
            size,
            kind,
            createdAt: clock.now(),
          });
          return { uploadId: upload.id, received: await locks.run(upload.id, () => blobs.begin(String(upload.id))) };
        });
      },

      async uploadChunk({ uploadId, offset, bytes }, { user }) {
        return await locks.run(uploadId, async () => {
          const upload = await ownUpload(uploadId, user.id);
          const received = await held(upload);
          if (offset !== received) {
            throw new RequestError(
              "bad_offset",
              `The upload holds ${received} bytes: the next chunk starts at ${received}, not ${offset}`,
            );
          }
          if (offset + bytes.length > upload.size) {
            throw new RequestError(
              "upload_mismatch",
              `The chunk ends at byte ${offset + bytes.length}, past the declared size of ${upload.size}`,
            );
          }
          const now = await blobs.append(String(uploadId), offset, bytes);
          await store.blobs.setReceived(uploadId, now, clock.now());
          return { received: now };
        });
      },

      async uploadStatus({ uploadId }, { user }) {
        return await locks.run(uploadId, async () => {
          const upload = await ownUpload(uploadId, user.id);
          return { received: await held(upload), size: upload.size };
        });
      },

      async uploadFinish({ uploadId }, { user }) {
        return await locks.run(uploadId, async () => {
          const upload = await ownUpload(uploadId, user.id);
          const id = String(uploadId);
          const received = await held(upload);
          if (received !== upload.size) {
            // The upload stays: the missing bytes may still come.
            throw new RequestError("upload_mismatch", `Received ${received} of the ${upload.size} bytes declared`);
          }
          if (!constantTimeEqual(await blobs.digest(id), upload.sha256)) {
            await discard(upload);
            throw new RequestError("upload_mismatch", "The bytes do not have the SHA-256 declared");
          }
          let image = sniffImage(await blobs.readUpload(id, 0, HEADER_WINDOW));
          if (!image && upload.size > HEADER_WINDOW) image = sniffImage(await blobs.readUpload(id, 0, upload.size));
          if (!image) {
            await discard(upload);
            throw new RequestError("bad_image", "The bytes are not a PNG, JPEG, GIF or WebP image");
          }
          const pixels = image.width * image.height;
          if (pixels > limits.imagePixels) {
            await discard(upload);
            throw new RequestError(
              "too_large",
              `The image has ${image.width}×${image.height} pixels: at most ${limits.imagePixels} are allowed`,
            );
          }
          // The bytes go into place first and become visible with the row: a crash in between leaves a blob file
          // nobody sees, which the same bytes uploaded again find in place.
          const finished = await blobs.finish(id);
          const blob = await store.transaction(async (tx) => {
            const stored = await tx.blobs.add({
              sha256: finished.sha256,
              size: finished.size,
              ...image,
              createdAt: clock.now(),
              uploadedBy: user.id,
            });
            await tx.blobs.deleteUpload(uploadId);
            return stored;
          });
          const { sha256, size, mime, width, height } = blob;
          return { blob: { sha256, size, mime, width, height } };
        });
      },

      async download({ sha256, offset, length }, { user }) {
        const blob = await readable(user.id, sha256);
        if (!blob) throw noBlob();
        if (offset > blob.size) throw new RequestError("bad_offset", `The blob has ${blob.size} bytes`);
        return { bytes: await blobs.read(sha256, offset, Math.min(length, blob.size - offset)), size: blob.size };
      },
    },
  });

  return Object.assign(service, { mayReference: readable, sweep });
}

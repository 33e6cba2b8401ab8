// Records and the repository of blob metadata and uploads in progress (the async contract; PROTOCOL.md §15). The bytes
// themselves live in server/blobs/, never in the database.

/** A finished blob as stored: named by the SHA-256 of its bytes, with what its image header said. */
export interface BlobRecord {
  /** SHA-256 of the bytes, 32 bytes. */
  sha256: Uint8Array;
  size: number;
  mime: string;
  width: number;
  height: number;
  createdAt: number;
  /** The user whose upload made it exist; null once that account is gone. */
  uploadedBy: number | null;
}

/** What `BlobRepository.add` needs: the blob, and the user whose upload just finished. */
export interface NewBlob {
  sha256: Uint8Array;
  size: number;
  mime: string;
  width: number;
  height: number;
  createdAt: number;
  uploadedBy: number;
}

/** What an upload is for. */
export type UploadKind = "image";

/** An upload in progress. */
export interface UploadRecord {
  /** Issued by the store; never reused, even after this upload is gone. */
  id: number;
  userId: number;
  /** The SHA-256 the client declared, 32 bytes. */
  sha256: Uint8Array;
  /** The size the client declared, from 1. */
  size: number;
  /** Bytes that arrived, as the service last recorded it. */
  received: number;
  kind: UploadKind;
  createdAt: number;
  /** When a chunk last arrived, or `createdAt` until one does: abandoned uploads are found by it. */
  updatedAt: number;
}

/** What `BlobRepository.createUpload` needs. */
export interface NewUpload {
  userId: number;
  sha256: Uint8Array;
  size: number;
  kind: UploadKind;
  createdAt: number;
}

/** Blob metadata, who uploaded each blob, and uploads in progress. */
export interface BlobRepository {
  /** The blob of this name, or undefined. */
  find(sha256: Uint8Array): Promise<BlobRecord | undefined>;
  /**
   * Records a finished blob, with `uploadedBy` as one of its uploaders. When the blob exists already (someone
   * uploaded the same bytes before), its record is kept as it is and `uploadedBy` is added to its uploaders.
   * Throws StoreError for a name that is not 32 bytes, a missing user, or a record the schema refuses.
   *
   * @returns The blob as stored.
   */
  add(blob: NewBlob): Promise<BlobRecord>;
  /** Whether the user uploaded the blob (is one of its uploaders); false for an unknown blob. */
  isUploader(sha256: Uint8Array, userId: number): Promise<boolean>;
  /**
   * Stores an upload with a fresh id, nothing received, and `updatedAt = createdAt`. Throws StoreError when the
   * user has an upload of this hash already (find it with `findUploadOf` first), for a missing user, or a size below 1.
   */
  createUpload(upload: NewUpload): Promise<UploadRecord>;
  findUpload(id: number): Promise<UploadRecord | undefined>;
  /** The user's upload of this hash, or undefined. */
  findUploadOf(userId: number, sha256: Uint8Array): Promise<UploadRecord | undefined>;
  /**
   * Records how many bytes arrived and when. Throws RecordNotFoundError when `id` names no upload, StoreError for a
   * count over the declared size.
   */
  setReceived(id: number, received: number, at: number): Promise<void>;
  /** Deletes the upload; returns whether it was there. */
  deleteUpload(id: number): Promise<boolean>;
  /**
   * How many uploads the user has that grew at `since` or later (`updatedAt >= since`): those not abandoned yet, which
   * count against `server.limits.openUploads`.
   */
  countOpenUploads(userId: number, since: number): Promise<number>;
  /** Up to `limit` uploads that last grew before `before` (`updatedAt < before`), those idle longest first. */
  staleUploads(before: number, limit: number): Promise<UploadRecord[]>;
}

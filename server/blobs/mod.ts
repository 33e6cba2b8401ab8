// Blob bytes' public face: the BlobStore contract, its errors, and the file and memory implementations.

export {
  assertSha256,
  assertUploadId,
  BlobNotFoundError,
  type BlobStore,
  type FinishedBlob,
  UploadNotFoundError,
  UploadOffsetError,
} from "./types.ts";
export { BLOBS_DIR, FileBlobStore, openFileBlobStore, UPLOADS_DIR } from "./file.ts";
export { MemoryBlobStore } from "./memory.ts";

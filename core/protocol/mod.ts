// Public face of the protocol: the operation registry, its schemas and parsing, opcodes and error codes (PROTOCOL.md §5-6).

export * from "./define.ts";
export * from "./parse.ts";
export * from "./registry.ts";
export * from "./opcodes.ts";
export * from "./errors.ts";
export * from "./accounts.ts";
export type { LoginBundle, Profile } from "./ops/bundle.ts";
export { KICK_REASONS } from "./ops/session.ts";
export { MAX_WATCHED } from "./ops/presence.ts";
export { MAX_DEVICE_NAME } from "./ops/devices.ts";
export { MAX_INVITE, MAX_OPAQUE_MESSAGE } from "./ops/accounts.ts";
export { MAX_CHUNK, UPLOAD_KINDS } from "./ops/blobs.ts";
export { IMAGE_MIMES, type ImageInfo, type ImageMime, sniffImage } from "./image.ts";

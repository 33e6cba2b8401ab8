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
export type { Friend, FriendRequest, UserRef } from "./ops/friends.ts";
export { FRIEND_ANSWERS, FRIEND_REQUEST_STATUSES, MAX_REQUEST_NOTE } from "./ops/friends.ts";
export type { Conversation, Message, MessageBody, SendableBody } from "./ops/messages.ts";
export { CONVERSATION_KINDS, MAX_CLIENT_ID, MAX_HISTORY, SYSTEM_EVENTS } from "./ops/messages.ts";

// Public face of the client SDK: what the web and terminal clients stand on. Everything else in core/client/ is its
// inside (the per-connection client, the handshake, the reconnect machine, the reducers), which tests may reach
// directly but screens may not (scripts/check_layers.ts).

// Connecting: one connection that stays up, from a page or from any transport.
export {
  connect,
  type ConnectLoginOptions,
  type ConnectOptions,
  type MimiConnection,
  type PushEvents,
  type PushName,
} from "./connect.ts";
export { type ChatLimits, connectPage, type PageConnectOptions, type PageSettings } from "./page.ts";
export { pinFingerprint, ServerKeyChangedError } from "./key_changed.ts";
export { checkKnownKey, type KnownKeyCheck, type KnownKeyStorage, trustKey } from "./known_key.ts";
export { secureOptionsFromConfig } from "./secure.ts";
export { Backoff, type BackoffOptions } from "./backoff.ts";
export type { ConnectionStatus } from "./reconnect.ts";
export type { Sendable } from "./client.ts";
export { type Duplex, TransportError, type TransportErrorKind } from "../transport/duplex.ts";
export { connectWebSocket, type WebSocketDuplexOptions } from "../transport/websocket_client.ts";
export type { ClientSecureOptions } from "../crypto/perform_handshake.ts";
export type { HandshakeResult } from "../crypto/handshake_client.ts";
export { HandshakeError, type HandshakeFailure } from "../crypto/errors.ts";
export { detectProvider, isSecureCryptoAvailable } from "../crypto/primitives/detect.ts";
export type { CryptoProvider } from "../crypto/primitives/types.ts";
export type { CryptoConfig } from "../crypto/settings.ts";

// What the state store holds, and what screens show of it.
export {
  type ClientState,
  type ConnectionState,
  type Device,
  type FriendRequest,
  initialClientState,
  type Room,
  type SessionState,
} from "./reducers.ts";
export type { LoginBundle, LoginResult, Profile, RegisterOptions } from "./accounts.ts";
export {
  KEY_STRETCHING,
  type OpaqueClient,
  opaqueClientOf,
  type OpaqueLoginFinish,
  type OpaqueLoginStart,
  type OpaquePackageClient,
  type OpaqueRegistrationStart,
} from "./opaque.ts";
export type {
  BlockedUser,
  Conversation,
  Friend,
  ImageBody,
  Message,
  MessageBody,
  SendableBody,
  SystemBody,
  TextBody,
  UserRef,
} from "./chat_types.ts";
export type { SentFriendRequest } from "./friends.ts";
export type { PublicRoom, RoomMember, RoomMembers } from "./rooms.ts";
export type { LobbyState } from "./lobby.ts";
export type { CreateRoomOptions } from "./room_calls.ts";
export { MAX_ROOM_NAME, ROOM_KINDS, ROOM_REMOVED_REASONS, ROOM_ROLES } from "../protocol/ops/rooms.ts";
export type { ConversationSummary } from "./conversations.ts";
export type { ConversationMessages, OutgoingMessage } from "./messages.ts";
export {
  cutToWidth,
  displayWidth,
  foldLines,
  formatPreview,
  type Preview,
  PREVIEW_WIDTH,
  type PreviewContent,
  type PreviewWords,
} from "./preview.ts";
export { type OutboxEntry, OutboxFullError, type OutboxState } from "./outbox.ts";
export {
  isStoredSend,
  MemoryOutboxStore,
  type OutboxScope,
  type OutboxStore,
  OutboxStoreError,
  type StoredSend,
} from "./outbox_store.ts";
export { type BlobInfo, type BlobOptions, checkImage } from "./blobs.ts";
export type { FriendAnswer, QueuedSend } from "./chat.ts";
export { type Contact, sortContacts } from "./contacts.ts";
export { type FontPreference, parseFont } from "./profile.ts";
export { type Kick, KickedError, type KickReason, type Presence } from "./events.ts";

// Remembered devices: where a client keeps the key that lets it resume without the password.
export {
  checkDeviceCredential,
  type DeviceCredential,
  type DeviceKey,
  type DeviceKeyStore,
  DeviceKeyStoreError,
} from "./device_key.ts";
export { generateNobleDeviceKey, type NobleDeviceKey, nobleDeviceKey } from "./device_key_noble.ts";
export { MemoryDeviceKeyStore, type StoredNobleCredential } from "./device_key_memory.ts";
export type { WebCryptoDeviceKey } from "./device_key_webcrypto.ts";
export {
  type IdbFactoryLike,
  IndexedDbDeviceKeyStore,
  type IndexedDbDeviceKeyStoreOptions,
} from "./device_key_indexeddb.ts";
export { IndexedDbOutboxStore, type IndexedDbOutboxStoreOptions } from "./outbox_store_indexeddb.ts";

// The protocol's operations, pushes and errors, for typed calls and for checking input before sending it.
export { type AnyOp, type AnyPush, OPS, PUSHES } from "../protocol/registry.ts";
export type { PushBodyOf, RequestOf, ResponseOf } from "../protocol/define.ts";
export { type ErrorCode, ProtocolError } from "../protocol/errors.ts";
export { parseNickname, parseUsername } from "../protocol/accounts.ts";

// The Mimi store's public face: the async repository contract, typed errors and the SQLite implementation.

export type {
  AppendResult,
  BlockedUserRecord,
  ConversationListing,
  ConversationMemberRecord,
  ConversationRecord,
  ConversationRepository,
  ConversationWithMember,
  DeviceRecord,
  DeviceRepository,
  FriendRepository,
  FriendRequestRecord,
  InviteRecord,
  InviteRepository,
  MessagePage,
  MessageRecord,
  NewDevice,
  NewMessage,
  NewUser,
  PageOptions,
  Repositories,
  Store,
  Transaction,
  UserRecord,
  UserRepository,
} from "./types.ts";
export type { BlobRecord, BlobRepository, NewBlob, NewUpload, UploadKind, UploadRecord } from "./types_blobs.ts";
export type { PublicRoomListing, RoomMemberRecord, RoomRecord, RoomRepository } from "./types_rooms.ts";
export {
  DeviceKeyTakenError,
  FriendRequestExistsError,
  MigrationError,
  NotMemberError,
  RecordNotFoundError,
  SchemaTooNewError,
  StoreError,
  type StoreErrorOptions,
  UsernameTakenError,
} from "./errors.ts";
export { openSqliteStore } from "./sqlite.ts";

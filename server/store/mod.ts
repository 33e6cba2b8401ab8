// The Mimi store's public face: the async repository contract, typed errors and the SQLite implementation.

export type {
  AppendResult,
  BlockedUserRecord,
  ConversationListing,
  ConversationMemberRecord,
  ConversationRecord,
  ConversationRepository,
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
  RoomMemberRecord,
  RoomRecord,
  RoomRepository,
  Store,
  Transaction,
  UserRecord,
  UserRepository,
} from "./types.ts";
export type { BlobRecord, BlobRepository, NewBlob, NewUpload, UploadKind, UploadRecord } from "./types_blobs.ts";
export {
  DeviceKeyTakenError,
  FriendRequestExistsError,
  MigrationError,
  RecordNotFoundError,
  SchemaTooNewError,
  StoreError,
  type StoreErrorOptions,
  UsernameTakenError,
} from "./errors.ts";
export { openSqliteStore } from "./sqlite.ts";

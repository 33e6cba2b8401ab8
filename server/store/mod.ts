// The Mimi store's public face: the async repository contract, typed errors and the SQLite implementation.

export type {
  DeviceRecord,
  DeviceRepository,
  FriendRepository,
  FriendRequestRecord,
  InviteRecord,
  InviteRepository,
  NewDevice,
  NewUser,
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
  RecordNotFoundError,
  SchemaTooNewError,
  StoreError,
  type StoreErrorOptions,
  UsernameTakenError,
} from "./errors.ts";
export { openSqliteStore } from "./sqlite.ts";

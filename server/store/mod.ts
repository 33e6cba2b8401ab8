// The Mimi store's public face: repository types, typed errors and the SQLite implementation.

export type {
  FriendRequestRecord,
  InviteRecord,
  InviteRepository,
  NewUser,
  RoomRecord,
  SocialRepository,
  Store,
  UserRecord,
  UserRepository,
} from "./types.ts";
export {
  FriendRequestExistsError,
  MigrationError,
  RecordNotFoundError,
  SchemaTooNewError,
  StoreError,
  type StoreErrorOptions,
  UsernameTakenError,
} from "./errors.ts";
export { openSqliteStore } from "./sqlite.ts";

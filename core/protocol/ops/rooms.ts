// Rooms and the lobby: create, invite, join (public or by code), leave, the owner's tools, members (PROTOCOL.md §13).

import * as v from "valibot";
import { NOT_IN_DISPLAY_NAME } from "../accounts.ts";
import { defineOp, definePush } from "../define.ts";
import * as s from "../schema.ts";

/** Longest room name, in characters (code points). */
export const MAX_ROOM_NAME = 64;
/** Most users one `create_room` or `invite_to_room` names. */
export const MAX_ROOM_INVITEES = 100;
/** Most rooms `list_public_rooms` answers. */
export const MAX_PUBLIC_ROOMS = 200;
/** Longest room code `join_room_by_code` takes (a code is 39 characters with its hyphens; room for white space). */
export const MAX_ROOM_CODE = 64;
/** The kinds of room: one a user made, or the lobby every user is in. */
export const ROOM_KINDS = ["group", "lobby"] as const;
/** A member's role in a room. */
export const ROOM_ROLES = ["owner", "member"] as const;
/** Why a room left a user's list: they left it, the owner removed them, or it was deleted. */
export const ROOM_REMOVED_REASONS = ["left", "removed", "deleted"] as const;

/**
 * A room's name: 1 to {@linkcode MAX_ROOM_NAME} characters, not only white space, one line, no control characters.
 * The server trims it.
 */
export const roomName = v.pipe(
  s.chars(1, MAX_ROOM_NAME),
  v.check((name) => name.trim() !== "", "must not be empty"),
  v.check((name) => !NOT_IN_DISPLAY_NAME.test(name), "cannot hold control characters or line breaks"),
);

/**
 * A room as its members see it: `kind` one of {@link ROOM_KINDS} (a string on the wire, so an older client reads a
 * newer kind), whether anyone may join it from the list of public rooms, its owner (null for the lobby), and the
 * conversation its messages go to (§14).
 */
export const room = s.map({
  id: s.id,
  name: s.string,
  kind: s.string,
  public: s.bool,
  ownerId: v.nullable(s.id),
  conversationId: s.id,
});

/** A public room as the list shows it: how many members it has, and whether the caller is one. */
export const publicRoom = s.map({ id: s.id, name: s.string, memberCount: s.int, member: s.bool });

/** A member of a room: who, their role (one of {@link ROOM_ROLES}, a string on the wire), online now or not. */
export const roomMember = s.map({
  user: s.map({ id: s.id, username: s.string, nickname: s.string }),
  role: s.string,
  online: s.bool,
});

const roomId = s.map({ roomId: s.id });
const userIds = s.list(s.id, MAX_ROOM_INVITEES);

/**
 * Makes a room owned by the caller, with the caller's friends `memberIds` in it from the start (an empty list makes a
 * room of one). Anyone who is not the caller's friend refuses the whole request (`not_allowed`). `public` rooms are
 * listed by `list_public_rooms`; a room is private unless asked.
 */
export const createRoom = defineOp({
  opcode: 0x0040,
  name: "create_room",
  request: s.map({ name: roomName, memberIds: userIds, public: v.nullish(s.bool) }),
  response: s.map({ room }),
  errors: ["not_allowed"],
  auth: "user",
  ordered: true,
});

/** The public rooms, most members first (then oldest first), at most {@linkcode MAX_PUBLIC_ROOMS}. */
export const listPublicRooms = defineOp({
  opcode: 0x0041,
  name: "list_public_rooms",
  request: s.map({}),
  response: s.map({ rooms: s.list(publicRoom) }),
  errors: [],
  auth: "user",
});

/** Joins a public room; a room one is in already answers as it is. A private or unknown room is `not_found`. */
export const joinRoom = defineOp({
  opcode: 0x0042,
  name: "join_room",
  request: roomId,
  response: s.map({ room }),
  errors: ["not_found"],
  auth: "user",
  ordered: true,
});

/** Joins the room whose current code this is, public or not; a wrong, old or malformed code is `room_code_invalid`. */
export const joinRoomByCode = defineOp({
  opcode: 0x0043,
  name: "join_room_by_code",
  request: s.map({ code: s.text(MAX_ROOM_CODE) }),
  response: s.map({ room }),
  errors: ["room_code_invalid"],
  auth: "user",
  ordered: true,
});

/** The owner makes a new code for the room, and the one before stops working. Only the code's hash is kept. */
export const roomInviteCode = defineOp({
  opcode: 0x0044,
  name: "room_invite_code",
  request: roomId,
  response: s.map({ code: s.string }),
  errors: ["not_found", "not_allowed"],
  auth: "user",
  ordered: true,
});

/**
 * A member adds their friends to the room. Anyone who is not the caller's friend refuses the whole request
 * (`not_allowed`); users who are members already are skipped. `added` lists those who joined, ascending.
 */
export const inviteToRoom = defineOp({
  opcode: 0x0045,
  name: "invite_to_room",
  request: s.map({ roomId: s.id, userIds }),
  response: s.map({ added: s.list(s.id) }),
  errors: ["not_found", "not_allowed"],
  auth: "user",
  ordered: true,
});

/** Leaves a room. The owner hands it over first, unless they are its last member: then the room is deleted. */
export const leaveRoom = defineOp({
  opcode: 0x0046,
  name: "leave_room",
  request: roomId,
  response: s.map({}),
  errors: ["not_found", "not_allowed"],
  auth: "user",
  ordered: true,
});

/** The owner renames the room. */
export const renameRoom = defineOp({
  opcode: 0x0047,
  name: "rename_room",
  request: s.map({ roomId: s.id, name: roomName }),
  response: s.map({ room }),
  errors: ["not_found", "not_allowed"],
  auth: "user",
  ordered: true,
});

/** The owner removes a member (not themselves: they leave or delete the room). */
export const removeMember = defineOp({
  opcode: 0x0048,
  name: "remove_member",
  request: s.map({ roomId: s.id, userId: s.id }),
  response: s.map({}),
  errors: ["not_found", "not_allowed"],
  auth: "user",
  ordered: true,
});

/** The owner hands the room over to another member, and stays in it as a member. */
export const transferRoom = defineOp({
  opcode: 0x0049,
  name: "transfer_room",
  request: s.map({ roomId: s.id, userId: s.id }),
  response: s.map({ room }),
  errors: ["not_found", "not_allowed"],
  auth: "user",
  ordered: true,
});

/** The owner deletes the room, its conversation and history with it. */
export const deleteRoom = defineOp({
  opcode: 0x004a,
  name: "delete_room",
  request: roomId,
  response: s.map({}),
  errors: ["not_found", "not_allowed"],
  auth: "user",
  ordered: true,
});

/**
 * A room's members in the server's order: online first, then by nickname, then by id; and how many are online. The
 * lobby answers no members, only `onlineCount`: how many users are online.
 */
export const roomMembers = defineOp({
  opcode: 0x004b,
  name: "room_members",
  request: roomId,
  response: s.map({ members: s.list(roomMember), onlineCount: s.int }),
  errors: ["not_found", "not_allowed"],
  auth: "user",
});

/**
 * Starts (`watch: true`) or stops `lobby_count` pushes to this connection, and answers how many users are online now.
 * Ordered, so the last request sent decides.
 */
export const watchLobby = defineOp({
  opcode: 0x004c,
  name: "watch_lobby",
  request: s.map({ watch: s.bool }),
  response: s.map({ onlineCount: s.int }),
  errors: [],
  auth: "user",
  ordered: true,
});

/** Push: a room the user is in was made, joined, renamed or handed over (to its members but the one who did it). */
export const roomUpdated = definePush({ opcode: 0x0118, name: "room_updated", body: s.map({ room }) });

/**
 * Push: a room left the user's list; `reason` one of {@link ROOM_REMOVED_REASONS} (a string on the wire). Sent to
 * those who lost it, but the one whose request it was.
 */
export const roomRemoved = definePush({
  opcode: 0x0119,
  name: "room_removed",
  body: s.map({ roomId: s.id, reason: s.string }),
});

/** Push: how many users are online, to connections that watch the lobby; at most one per the server's interval. */
export const lobbyCount = definePush({ opcode: 0x011a, name: "lobby_count", body: s.map({ onlineCount: s.int }) });

/** The room operations by registry key, spread into `OPS`. */
export const ROOM_OPS = Object.freeze({
  createRoom,
  listPublicRooms,
  joinRoom,
  joinRoomByCode,
  roomInviteCode,
  inviteToRoom,
  leaveRoom,
  renameRoom,
  removeMember,
  transferRoom,
  deleteRoom,
  roomMembers,
  watchLobby,
});

/** The room pushes by registry key, spread into `PUSHES`. */
export const ROOM_PUSHES = Object.freeze({ roomUpdated, roomRemoved, lobbyCount });

/** A room as clients see it. */
export type Room = v.InferOutput<typeof room>;
/** A public room as the list shows it. */
export type PublicRoom = v.InferOutput<typeof publicRoom>;
/** A room member as `room_members` answers it. */
export type RoomMember = v.InferOutput<typeof roomMember>;

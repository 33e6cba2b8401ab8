// The room and the users a room command names: looked up in the signed-in state, with a useful refusal when none is.

import type { MimiConnection, Room, RoomMember, UserRef } from "../../core/client/mod.ts";
import { findRoom } from "../conversation_names.ts";
import { NothingToActOnError, UsageError } from "../exit_codes.ts";
import { bareUsername } from "./friends.ts";

/** A room as the room commands print it with `--json`: the state's room and the handle that names it again. */
export interface RoomJson extends Room {
  /** `#id`, or `lobby`. */
  handle: string;
}

/**
 * A room with its handle, for `--json`.
 *
 * @param room A room of the state.
 * @returns Its fields and `handle`.
 */
export function roomJson(room: Room): RoomJson {
  return { ...room, handle: room.kind === "lobby" ? "lobby" : `#${room.id}` };
}

/**
 * The room (not the lobby) `name` stands for among the user's rooms.
 *
 * @param connection A signed-in connection.
 * @param name A room's name or `#id`.
 * @returns The room.
 * @throws {UsageError} For a name of no room of the user's, several rooms, or the lobby.
 */
export function roomNamed(connection: MimiConnection, name: string): Room {
  const room = findRoom(connection.getSnapshot(), name);
  if (!room) throw new UsageError(`you are in no room "${name}"; "rooms" lists yours`);
  if (room.kind === "lobby") throw new UsageError("the lobby belongs to everyone; name a room of yours");
  return room;
}

/**
 * The users `names` stand for: friends by username first (no round trip), anyone else looked up on the server, whose
 * refusal (`not_found`) names who does not exist.
 *
 * @param connection A signed-in connection.
 * @param names Usernames, `@` allowed in front.
 * @returns The users, in the order named.
 */
export async function usersNamed(connection: MimiConnection, names: readonly string[]): Promise<UserRef[]> {
  const users: UserRef[] = [];
  for (const name of names) {
    const wanted = bareUsername(name).toLowerCase();
    const friend = connection.getSnapshot().contacts.find((c) => c.username.toLowerCase() === wanted);
    users.push(
      friend
        ? { id: friend.id, username: friend.username, nickname: friend.nickname }
        : await connection.findUser(bareUsername(name)),
    );
  }
  return users;
}

/**
 * The member of `room` that `name` stands for, from the server's member list.
 *
 * @throws {NothingToActOnError} When no member has that username.
 */
export async function memberNamed(connection: MimiConnection, room: Room, name: string): Promise<RoomMember> {
  const wanted = bareUsername(name).toLowerCase();
  const { members } = await connection.roomMembers(room.id);
  const member = members.find((m) => m.user.username.toLowerCase() === wanted);
  if (!member) {
    throw new NothingToActOnError(`${name} is not a member of ${room.name}; "members #${room.id}" lists them`);
  }
  return member;
}

// Rooms, their members and the lobby's online count as the client state holds them (PROTOCOL.md §13): pure reducers
// over the room pushes and the answers of the room operations.

import { orderMembers } from "../protocol/member_order.ts";
import type { PublicRoom, Room, RoomMember } from "../protocol/ops/rooms.ts";
import type { Presence } from "./events.ts";

export type { PublicRoom, Room, RoomMember };

/** A room's members as `room_members` last answered: the server's order (online first), and how many are online. */
export interface RoomMembers {
  members: readonly RoomMember[];
  onlineCount: number;
}

/** What can happen to rooms, their members and the lobby's count. */
export type RoomsAction =
  /** A `room_updated` push, or an answer carrying the room (create, join, rename, transfer): it is added or replaced. */
  | { type: "roomUpdated"; room: Room }
  /** A `room_removed` push, or the user's own leave or delete: the room, its members and its conversation go. */
  | { type: "roomRemoved"; roomId: number }
  /** A `room_members` answer. */
  | { type: "roomMembers"; roomId: number; members: readonly RoomMember[]; onlineCount: number }
  /** A `watch_lobby` answer or a `lobby_count` push: how many users are online. */
  | { type: "lobbyCount"; onlineCount: number };

/**
 * The rooms after a room action: an updated room replaces the one of its id in place, or is added at the end; a removed
 * room leaves.
 *
 * @param state The rooms.
 * @param action What happened.
 * @returns The next list; `state` itself when nothing changed.
 *
 * @example
 * ```ts
 * import { roomList } from "./rooms.ts";
 * const room = { id: 8, name: "Tea", kind: "group", public: false, ownerId: 1, conversationId: 4 };
 * roomList([], { type: "roomUpdated", room })[0].name; // "Tea"
 * ```
 */
export function roomList(state: readonly Room[], action: RoomsAction): readonly Room[] {
  switch (action.type) {
    case "roomUpdated": {
      const index = state.findIndex((room) => room.id === action.room.id);
      if (index === -1) return [...state, action.room];
      if (sameRoom(state[index], action.room)) return state;
      return state.map((room, i) => i === index ? action.room : room);
    }
    case "roomRemoved": {
      const left = state.filter((room) => room.id !== action.roomId);
      return left.length === state.length ? state : left;
    }
    default:
      return state;
  }
}

function sameRoom(a: Room, b: Room): boolean {
  return a.name === b.name && a.kind === b.kind && a.public === b.public && a.ownerId === b.ownerId &&
    a.conversationId === b.conversationId;
}

/**
 * Members per room, by room id: each `room_members` answer replaces the room's entry as the server ordered it; a
 * removed room's entry goes.
 *
 * @param state The members by room id.
 * @param action What happened.
 * @returns The next record; `state` itself when nothing changed.
 *
 * @example
 * ```ts
 * import { roomMembersByRoom } from "./rooms.ts";
 * const members = [{ user: { id: 1, username: "bob", nickname: "Bob" }, role: "owner", online: true }];
 * roomMembersByRoom({}, { type: "roomMembers", roomId: 8, members, onlineCount: 1 })[8].onlineCount; // 1
 * ```
 */
export function roomMembersByRoom(
  state: Readonly<Record<number, RoomMembers>>,
  action: RoomsAction,
): Readonly<Record<number, RoomMembers>> {
  switch (action.type) {
    case "roomMembers":
      return { ...state, [action.roomId]: { members: action.members, onlineCount: action.onlineCount } };
    case "roomRemoved": {
      if (!(action.roomId in state)) return state;
      const { [action.roomId]: _gone, ...rest } = state;
      return rest;
    }
    default:
      return state;
  }
}

/**
 * Members per room after presence (a `presence` push, or a `watch_presence` answer): every entry of those users
 * takes their `online`, and each list changed is put back in the server's order (online first, PROTOCOL.md §13.4)
 * with its `onlineCount` counted again.
 *
 * @param state The members by room id.
 * @param presence What is known of each user now.
 * @returns The next record; `state` itself when nothing changed.
 *
 * @example
 * ```ts
 * import { membersPresence } from "./rooms.ts";
 * const members = [
 *   { user: { id: 1, username: "amy", nickname: "Amy" }, role: "owner", online: true },
 *   { user: { id: 2, username: "bob", nickname: "Bob" }, role: "member", online: false },
 * ];
 * const next = membersPresence({ 8: { members, onlineCount: 1 } }, [{ userId: 1, online: false, lastSeenAt: 9 }]);
 * next[8].onlineCount; // 0
 * ```
 */
export function membersPresence(
  state: Readonly<Record<number, RoomMembers>>,
  presence: readonly Presence[],
): Readonly<Record<number, RoomMembers>> {
  if (presence.length === 0) return state;
  const online = new Map(presence.map((p) => [p.userId, p.online]));
  let next: Record<number, RoomMembers> | undefined;
  for (const [key, entry] of Object.entries(state)) {
    if (!entry.members.some((m) => online.has(m.user.id) && online.get(m.user.id) !== m.online)) continue;
    const members = orderMembers(
      entry.members.map((m) => online.has(m.user.id) ? { ...m, online: online.get(m.user.id)! } : m),
    );
    next ??= { ...state };
    next[Number(key)] = { members, onlineCount: members.filter((m) => m.online).length };
  }
  return next ?? state;
}

/**
 * The lobby's online count: null until `watch_lobby` answers, then its answer and each `lobby_count` push.
 *
 * @example
 * ```ts
 * import { lobbyOnline } from "./rooms.ts";
 * lobbyOnline(null, { type: "lobbyCount", onlineCount: 3 }); // 3
 * ```
 */
export function lobbyOnline(state: number | null, action: RoomsAction): number | null {
  return action.type === "lobbyCount" ? action.onlineCount : state;
}

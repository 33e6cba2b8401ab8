// How the commands name a conversation: a friend's username, a room's name or `#id`, or `lobby`; and the other way
// round, the name a listing shows so that it can be typed back.

import type { ClientState, Conversation, Room } from "../core/client/mod.ts";
import { UsageError } from "./exit_codes.ts";

/** A conversation a command acts on. */
export interface ConversationTarget {
  conversationId: number;
  kind: "direct" | "room" | "lobby";
  /** The room's id, for rooms and the lobby; null for a friend. */
  roomId: number | null;
  /** The friend's nickname or the room's name. */
  title: string;
  /** What to type to name it again: `alice`, `#3` or `lobby`. */
  handle: string;
}

/**
 * The name that names a conversation of the list in the commands: the friend's username, `#id` for a room (room
 * names need not be unique), `lobby`.
 *
 * @param conversation A conversation of the state's list.
 * @returns The handle.
 */
export function conversationHandle(conversation: Pick<Conversation, "kind" | "peer" | "roomId">): string {
  if (conversation.kind === "direct" && conversation.peer) return conversation.peer.username;
  return `#${conversation.roomId}`;
}

/**
 * Finds the conversation a name stands for in the signed-in state. `@alice` names only a friend and `#3` only a room,
 * for when a plain name is ambiguous; a friend's username matches regardless of case, a room's name exactly.
 *
 * @param state The client state after login.
 * @param name What the user typed.
 * @returns The conversation, or undefined when the name matches none.
 * @throws {UsageError} When the name matches several, listing them as they can be typed.
 *
 * @example
 * ```ts ignore
 * import { findConversation } from "./conversation_names.ts";
 * findConversation(connection.getSnapshot(), "lobby")?.conversationId;
 * ```
 */
export function findConversation(state: ClientState, name: string): ConversationTarget | undefined {
  const found = [...friendsNamed(state, name), ...roomsNamed(state, name)];
  if (found.length > 1) {
    const listed = found.map((target) => `${target.handle} (${describe(target)})`).join(", ");
    throw new UsageError(`"${name}" names ${found.length} conversations: ${listed}; name one of them as shown`);
  }
  return found[0];
}

/**
 * Finds a room (or the lobby) the user is in by name, `#id` or `lobby`.
 *
 * @returns The room, or undefined when none matches.
 * @throws {UsageError} When several rooms have that name.
 */
export function findRoom(state: ClientState, name: string): Room | undefined {
  const rooms = roomsNamed(state, name);
  if (rooms.length > 1) {
    throw new UsageError(
      `"${name}" names ${rooms.length} rooms: ${rooms.map((r) => r.handle).join(", ")}; name one by its #id`,
    );
  }
  return rooms.length === 0 ? undefined : state.rooms.find((room) => room.id === rooms[0].roomId);
}

function describe(target: ConversationTarget): string {
  if (target.kind === "direct") return `friend ${target.title}`;
  return target.kind === "lobby" ? "the lobby" : `room ${target.title}`;
}

function friendsNamed(state: ClientState, name: string): ConversationTarget[] {
  if (name.startsWith("#")) return [];
  const wanted = (name.startsWith("@") ? name.slice(1) : name).toLowerCase();
  return state.conversations
    .filter((c) => c.kind === "direct" && c.peer?.username.toLowerCase() === wanted)
    .map((c) => ({ conversationId: c.id, kind: "direct", roomId: null, title: c.title, handle: c.peer!.username }));
}

function roomsNamed(state: ClientState, name: string): ConversationTarget[] {
  if (name.startsWith("@")) return [];
  const byId = /^#(\d+)$/.exec(name);
  const rooms = state.rooms.filter((room) =>
    byId ? room.id === Number(byId[1]) : room.kind === "lobby" ? name === "lobby" : room.name === name
  );
  return rooms.map((room) => ({
    conversationId: room.conversationId,
    kind: room.kind === "lobby" ? "lobby" : "room",
    roomId: room.id,
    title: room.name,
    handle: room.kind === "lobby" ? "lobby" : `#${room.id}`,
  }));
}

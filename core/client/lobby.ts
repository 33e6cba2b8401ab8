// The lobby as the client state holds it (PROTOCOL.md §13.4): which room and conversation it is, how many users are
// online, whether this client watches it, and its messages while it does. The lobby is not in `sync`'s list, so the
// conversation list's reducers never see it; these pure reducers keep it instead.

import type { Message } from "./chat_types.ts";
import { addMessages, applyPage, type ConversationMessages, emptyMessages, type HistoryPage } from "./messages.ts";

/**
 * The lobby: named by the login bundle's rooms (kind `lobby`). It keeps no read position on the server (`mark_read`
 * stores nothing there), so it has no unread count: a client shows its online count instead.
 */
export interface LobbyState {
  /** The lobby's room id. */
  roomId: number;
  /** Its conversation: its messages are `ClientState.messages[conversationId]` while watched. */
  conversationId: number;
  /** How many users are online, as `watch_lobby` answered or `lobby_count` pushed; null until watched. */
  online: number | null;
  /** Whether this client watches the lobby: it hears its messages live and holds its recent history. */
  watching: boolean;
}

/** What moves the lobby besides messages and pages: a `watch_lobby` answer, or the lobby asked to be watched. */
export type LobbyAction =
  /**
   * The client started (`watching`) or stopped watching the lobby; `onlineCount` is the answer of `watch_lobby`,
   * absent while it is on its way. Stopping forgets the lobby's messages: a lobby not watched hears none, so what is
   * held would go stale.
   */
  { type: "lobbyWatch"; watching: boolean; onlineCount?: number };

/**
 * The lobby named by a login bundle's rooms, keeping what is known of it when it is the same lobby (a resume).
 *
 * @param state The lobby before the login.
 * @param rooms The bundle's rooms.
 * @param sameUser Whether the login is the same user's again, whose watch the SDK renews.
 * @returns The lobby, or null when the bundle names none.
 *
 * @example
 * ```ts
 * import { lobbyAfterLogin } from "./lobby.ts";
 * const rooms = [{ id: 1, kind: "lobby", conversationId: 1 }];
 * lobbyAfterLogin(null, rooms, false); // { roomId: 1, conversationId: 1, online: null, watching: false }
 * ```
 */
export function lobbyAfterLogin(
  state: LobbyState | null,
  rooms: readonly { id: number; kind: string; conversationId: number }[],
  sameUser: boolean,
): LobbyState | null {
  const room = rooms.find((room) => room.kind === "lobby");
  if (!room) return null;
  if (sameUser && state && state.roomId === room.id && state.conversationId === room.conversationId) return state;
  return { roomId: room.id, conversationId: room.conversationId, online: null, watching: false };
}

/**
 * The lobby after a watch change or a count.
 *
 * @param state The lobby, or null before a login named it.
 * @param action A `lobbyWatch`, or a `lobbyCount` (the `lobby_count` push).
 * @returns The next lobby; `state` itself when nothing changed.
 *
 * @example
 * ```ts
 * import { lobbyReducer } from "./lobby.ts";
 * const lobby = { roomId: 1, conversationId: 1, online: null, watching: false };
 * lobbyReducer(lobby, { type: "lobbyWatch", watching: true, onlineCount: 3 }); // watching, online 3
 * ```
 */
export function lobbyReducer(
  state: LobbyState | null,
  action: LobbyAction | { type: "lobbyCount"; onlineCount: number },
): LobbyState | null {
  if (!state) return state;
  const online = action.onlineCount ?? state.online;
  const watching = action.type === "lobbyWatch" ? action.watching : state.watching;
  if (online === state.online && watching === state.watching) return state;
  return { ...state, online, watching };
}

/**
 * The lobby's messages after messages came one by one (pushes while watched, the answers of the user's own sends).
 *
 * @param held What is held of the lobby.
 * @param messages The lobby's messages among those that came.
 * @param me The signed-in user.
 * @returns The next messages; `held` itself when nothing changed.
 */
export function lobbyMessages(
  held: ConversationMessages,
  messages: readonly Message[],
  me: number | null,
): ConversationMessages {
  return messages.length ? addMessages(held, messages, me) : held;
}

/**
 * The lobby's messages after a page of `history`. A newest page that does not reach what is held (the client missed
 * more than a page while away) starts the held range over from the page: the lobby is a public channel, read from
 * its newest messages, and what lies between is `loadOlder`'s to fetch, not catch-up's.
 *
 * @param held What is held of the lobby.
 * @param page The page with its request.
 * @param me The signed-in user.
 * @returns The next messages; `held` itself when nothing changed.
 *
 * @example
 * ```ts
 * import { lobbyPage } from "./lobby.ts";
 * import { emptyMessages } from "./messages.ts";
 * const m = (seq: number) => ({
 *   conversationId: 1, seq, senderId: 2, clientId: null, at: seq, recalledAt: null,
 *   body: { type: "text" as const, text: String(seq) },
 * });
 * lobbyPage(emptyMessages, { messages: [m(9), m(10)], hasMore: true, knownLastSeq: 0 }, 1).through; // 10
 * ```
 */
export function lobbyPage(held: ConversationMessages, page: HistoryPage, me: number | null): ConversationMessages {
  const newest = (page.after ?? null) === null && (page.before ?? null) === null;
  const first = page.messages[0]?.seq;
  if (newest && first !== undefined && held.through > 0 && first > held.through + 1) {
    return applyPage({ ...emptyMessages, outgoing: held.outgoing }, page, me);
  }
  return applyPage(held, page, me);
}

/**
 * What is left of the lobby's messages when the client stops watching: only the user's sends still on their way.
 *
 * @param held What is held of the lobby.
 * @returns The sends alone, or {@link emptyMessages}.
 */
export function lobbyUnwatched(held: ConversationMessages): ConversationMessages {
  if (held.messages.length === 0 && held.through === 0) return held;
  return held.outgoing.length ? { ...emptyMessages, outgoing: held.outgoing } : emptyMessages;
}

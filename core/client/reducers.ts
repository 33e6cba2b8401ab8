// The client's state and the pure reducers that move it: connection, session, contacts, friend requests, blocks,
// rooms, devices, conversations and their messages.

import type { LoginBundle, Profile } from "../protocol/ops/bundle.ts";
import type { BlockedUser, Conversation, FriendRequest, UserRef } from "./chat_types.ts";
import { addContact, applyPresence, type Contact, removeContact, sortContacts } from "./contacts.ts";
import {
  type ChatAction,
  type ChatContext,
  chatReducer,
  type ChatState,
  type ConversationSummary,
  emptyChat,
  refreshPreviews,
} from "./conversations.ts";
import {
  blockedUsers,
  type FriendsAction,
  incomingRequests,
  learnUsers,
  type SentFriendRequest,
  sentRequests,
} from "./friends.ts";
import {
  type LobbyAction,
  lobbyAfterLogin,
  lobbyMessages,
  lobbyPage,
  lobbyReducer,
  type LobbyState,
  lobbyUnwatched,
} from "./lobby.ts";
import { type ConversationMessages, emptyMessages, setOutgoing, setUploaded } from "./messages.ts";
import type { Kick, Presence } from "./events.ts";
import type { ConnectionStatus } from "./reconnect.ts";
import {
  lobbyOnline,
  membersPresence,
  roomList,
  type RoomMembers,
  roomMembersByRoom,
  type RoomsAction,
} from "./rooms.ts";
import { createStore, type Store, type StoreOptions } from "./state.ts";

/** An open (pending or deferred) friend request to the user, as in the login bundle (PROTOCOL.md §10.3, §12.2). */
export type { FriendRequest } from "./chat_types.ts";

/** A room the user belongs to, as in the login bundle. */
export type Room = LoginBundle["rooms"][number];

/** One remembered device of the account, as `list_devices` answers. */
export interface Device {
  id: number;
  name: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Milliseconds since the epoch. */
  lastUsedAt: number;
  /** Whether this connection logged in or resumed with it. */
  current: boolean;
}

/** The connection as a screen shows it. */
export interface ConnectionState {
  status: ConnectionStatus;
  /** The negotiated cipher suite's name while open (`suiteName()` of core/crypto/suites.ts); otherwise null. */
  suite: string | null;
}

/** Who is signed in on this connection. */
export type SessionState =
  | { state: "signedOut"; kicked?: Kick }
  | { state: "signedIn"; user: Profile; deviceId: number | null };

/** Everything a client screen draws from. Every part is replaced, never mutated, when it changes. */
export interface ClientState {
  connection: ConnectionState;
  session: SessionState;
  /** Friends, sorted for display by `sortContacts` (online first). */
  contacts: readonly Contact[];
  /** Open requests to the user, oldest first: `pending`, or `deferred` ("later", asked again at the next login). */
  friendRequests: readonly FriendRequest[];
  /** Requests the user sent in this session that are still open. */
  sentRequests: readonly SentFriendRequest[];
  /** The users the user blocked, as `list_blocked` last answered (newest first). */
  blocked: readonly BlockedUser[];
  /** The rooms the user is in: the bundle's, those of room conversations, answers and `room_updated` pushes. */
  rooms: readonly Room[];
  /**
   * Each room's members as `room_members` last answered, by room id, in the server's order (online first). Kept live
   * while watched (`roomMembers()` watches, `unwatchRoomMembers()` stops): presence pushes move members and re-sort,
   * joins, leaves, removals and a new owner fetch the list again. A member in a block with the user shows the
   * answer's `online` only: the server hides their presence.
   */
  roomMembers: Readonly<Record<number, RoomMembers>>;
  /** How many users are online, as `watch_lobby` answered or `lobby_count` pushed; null until asked (`lobby.online`). */
  lobbyOnline: number | null;
  /**
   * The lobby, as the login bundle names it (null before a login, or from a server without one). While the client
   * watches it (`watchLobby()`, `watching` true), its messages are held like a conversation's in
   * `messages[lobby.conversationId]`: the newest page when watching starts, live messages in sequence, gaps filled,
   * each message once, watched and caught up again after a reconnect. It is not among `conversations` and has no
   * unread count: the server keeps no read position in the lobby (PROTOCOL.md §13.4). Stopping the watch forgets its
   * messages (but not the user's sends to it still on their way).
   */
  lobby: LobbyState | null;
  devices: readonly Device[];
  /** Users known by name (the user, friends, requesters, peers, users found), by id: what previews name senders by. */
  users: Readonly<Record<number, UserRef>>;
  /** The user's conversations, most recent activity first, with unread counts and previews. */
  conversations: readonly ConversationSummary[];
  /** What is held of each conversation's messages, by conversation id. */
  messages: Readonly<Record<number, ConversationMessages>>;
}

/** What can happen to the client state; plain data, so actions can be logged, replayed and tested. */
export type ClientAction =
  /** The reconnector's status changed; `suite` names the negotiated suite when the status is `open`. */
  | { type: "status"; status: ConnectionStatus; suite?: string }
  /** A login or resume succeeded; `deviceId` is set when this device is remembered. */
  | { type: "loggedIn"; bundle: LoginBundle & { deviceId?: number | null } }
  /** A `presence` push. */
  | ({ type: "presence" } & Presence)
  /** A `watch_presence` answer. */
  | { type: "presenceList"; presence: readonly Presence[] }
  /** The `kicked` push: the session went to another login; everything of the account is forgotten. */
  | ({ type: "kicked" } & Kick)
  /** The user logged out; everything of the account is forgotten. */
  | { type: "loggedOut" }
  /** The answer of `list_devices`. */
  | { type: "devices"; list: readonly Device[] }
  /** The user's own profile changed (nickname, font). */
  | { type: "profile"; user: Profile }
  | FriendsAction
  | RoomsAction
  | LobbyAction
  | ChatAction;

const NONE: readonly never[] = Object.freeze([]);

/** The state before anything happened: connecting, signed out, empty lists. */
export const initialClientState: ClientState = Object.freeze({
  connection: Object.freeze({ status: Object.freeze({ state: "connecting" as const }), suite: null }),
  session: Object.freeze({ state: "signedOut" as const }),
  contacts: NONE,
  friendRequests: NONE,
  sentRequests: NONE,
  blocked: NONE,
  rooms: NONE,
  roomMembers: Object.freeze({}),
  lobbyOnline: null,
  lobby: null,
  devices: NONE,
  users: Object.freeze({}),
  conversations: emptyChat.conversations,
  messages: emptyChat.messages,
});

/**
 * The connection part: the status, and the suite while open.
 *
 * @example
 * ```ts
 * import { connectionReducer, initialClientState } from "./reducers.ts";
 * connectionReducer(initialClientState.connection, { type: "status", status: { state: "open" }, suite: "x" }).suite;
 * // "x"
 * ```
 */
export function connectionReducer(state: ConnectionState, action: ClientAction): ConnectionState {
  switch (action.type) {
    case "status":
      return { status: action.status, suite: action.status.state === "open" ? action.suite ?? null : null };
    case "kicked": {
      const { type: _type, ...kick } = action;
      return { status: { state: "kicked", ...kick }, suite: null };
    }
    default:
      return state;
  }
}

/**
 * The session part: signed out, or signed in with the profile and the remembered device's id.
 *
 * @example
 * ```ts
 * import { initialClientState, sessionReducer } from "./reducers.ts";
 * sessionReducer(initialClientState.session, { type: "loggedOut" }).state; // "signedOut"
 * ```
 */
export function sessionReducer(state: SessionState, action: ClientAction): SessionState {
  switch (action.type) {
    case "loggedIn":
      return { state: "signedIn", user: action.bundle.user, deviceId: action.bundle.deviceId ?? null };
    case "profile":
      return state.state === "signedIn" ? { ...state, user: action.user } : state;
    case "kicked": {
      const { type: _type, ...kicked } = action;
      return { state: "signedOut", kicked };
    }
    case "loggedOut":
      return state.state === "signedOut" && !state.kicked ? state : { state: "signedOut" };
    default:
      return state;
  }
}

/**
 * The contact list: the bundle's friends, kept current by presence and kept in `sortContacts` order.
 *
 * @example
 * ```ts
 * import { contactsReducer } from "./reducers.ts";
 * const bob = { id: 1, username: "bob", nickname: "Bob", online: false, lastSeenAt: 5 };
 * contactsReducer([bob], { type: "presence", userId: 1, online: true, lastSeenAt: null })[0].online; // true
 * ```
 */
export function contactsReducer(state: readonly Contact[], action: ClientAction): readonly Contact[] {
  switch (action.type) {
    case "loggedIn":
      return sortContacts(action.bundle.friends);
    case "presence": {
      const { type: _type, ...presence } = action;
      return applyPresence(state, { type: "presence", ...presence });
    }
    case "presenceList":
      return action.presence.reduce((list, p) => applyPresence(list, { type: "presence", ...p }), state);
    case "friendAdded":
      return addContact(state, action.friend);
    case "friendRemoved":
      return removeContact(state, action.userId);
    case "kicked":
    case "loggedOut":
      return NONE;
    default:
      return state;
  }
}

/**
 * Friend requests to the user: the bundle's, then pushed, answered, or ended by a friendship; forgotten at the end of
 * the session.
 *
 * @example
 * ```ts
 * import { friendRequestsReducer } from "./reducers.ts";
 * friendRequestsReducer([], { type: "loggedOut" }).length; // 0
 * ```
 */
export function friendRequestsReducer(
  state: readonly FriendRequest[],
  action: ClientAction,
): readonly FriendRequest[] {
  switch (action.type) {
    case "loggedIn":
      return action.bundle.friendRequests;
    case "kicked":
    case "loggedOut":
      return NONE;
    default:
      return incomingRequests(state, action as FriendsAction);
  }
}

/**
 * Rooms: the bundle's, with the rooms of room conversations the list gains (named by their title) and without those
 * it loses; forgotten at the end of the session.
 *
 * @example
 * ```ts
 * import { roomsReducer } from "./reducers.ts";
 * roomsReducer([], { type: "loggedOut" }).length; // 0
 * ```
 */
export function roomsReducer(state: readonly Room[], action: ClientAction): readonly Room[] {
  switch (action.type) {
    case "loggedIn":
      return withConversationRooms(action.bundle.rooms, action.bundle.conversations);
    case "conversations":
      return withConversationRooms(state, action.conversations);
    case "conversationAdded":
      return withConversationRooms(state, [action.conversation]);
    case "kicked":
    case "loggedOut":
      return NONE;
    default:
      return roomList(state, action as RoomsAction);
  }
}

/**
 * Members per room: what `room_members` answered, forgotten at a login (members may have changed while away) and at
 * the end of the session; a room that leaves takes its entry with it.
 *
 * @example
 * ```ts
 * import { roomMembersReducer } from "./reducers.ts";
 * Object.keys(roomMembersReducer({}, { type: "loggedOut" })).length; // 0
 * ```
 */
export function roomMembersReducer(
  state: Readonly<Record<number, RoomMembers>>,
  action: ClientAction,
): Readonly<Record<number, RoomMembers>> {
  switch (action.type) {
    case "loggedIn":
    case "kicked":
    case "loggedOut":
      return Object.keys(state).length ? initialClientState.roomMembers : state;
    case "presence": {
      const { type: _type, ...presence } = action;
      return membersPresence(state, [presence]);
    }
    case "presenceList":
      return membersPresence(state, action.presence);
    default:
      return roomMembersByRoom(state, action as RoomsAction);
  }
}

/**
 * The lobby's online count: forgotten at a login (a new connection watches nothing) and at the end of the session.
 *
 * @example
 * ```ts
 * import { lobbyOnlineReducer } from "./reducers.ts";
 * lobbyOnlineReducer(4, { type: "loggedOut" }); // null
 * ```
 */
export function lobbyOnlineReducer(state: number | null, action: ClientAction): number | null {
  switch (action.type) {
    case "loggedIn":
    case "kicked":
    case "loggedOut":
      return null;
    case "lobbyWatch":
      return action.onlineCount ?? state;
    default:
      return lobbyOnline(state, action as RoomsAction);
  }
}

/** The lobby after an action: named at a login, forgotten at the end of the session, moved by watches and counts. */
function lobbyAfter(state: ClientState, action: ClientAction): LobbyState | null {
  switch (action.type) {
    case "loggedIn":
      return lobbyAfterLogin(state.lobby, action.bundle.rooms, sameUser(state.session, action.bundle));
    case "kicked":
    case "loggedOut":
      return null;
    case "lobbyWatch":
    case "lobbyCount":
      return lobbyReducer(state.lobby, action);
    default:
      return state.lobby;
  }
}

/**
 * What is held of the lobby's messages after an action; the chat reducer never sees them (the lobby is not listed).
 *
 * @returns The messages, or `undefined` when there is no lobby.
 */
function lobbyHeldAfter(
  state: ClientState,
  lobby: LobbyState | null,
  action: ClientAction,
  me: number | null,
): ConversationMessages | undefined {
  if (!lobby) return undefined;
  const id = lobby.conversationId;
  // Another lobby than before (another user's login) starts empty.
  const same = state.lobby !== null && state.lobby.conversationId === id;
  const held = (same ? state.messages[id] : undefined) ?? emptyMessages;
  switch (action.type) {
    case "loggedIn":
      return lobby === state.lobby ? held : emptyMessages;
    case "lobbyWatch":
      return action.watching ? held : lobbyUnwatched(held);
    case "messages":
      return lobbyMessages(held, action.messages.filter((message) => message.conversationId === id), me);
    case "history": {
      if (action.conversationId !== id) return held;
      const { type: _type, conversationId: _id, ...page } = action;
      return lobbyPage(held, page, me);
    }
    case "outgoing":
      return action.entry.conversationId === id ? setOutgoing(held, action.entry, me) : held;
    case "uploadProgress":
      return action.conversationId === id ? setUploaded(held, action.clientId, action.uploaded) : held;
    default:
      return held;
  }
}

/** The chat part with the lobby's messages in place (and none held of it when nothing is). */
function withLobbyMessages(
  chat: ChatState,
  lobby: LobbyState | null,
  held: ConversationMessages | undefined,
): ChatState {
  if (!lobby || held === undefined) return chat;
  const id = lobby.conversationId;
  if (chat.messages[id] === held) return chat;
  if (held === emptyMessages || (held.messages.length === 0 && held.outgoing.length === 0 && held.through === 0)) {
    if (!(id in chat.messages)) return chat;
    const { [id]: _gone, ...messages } = chat.messages;
    return { ...chat, messages };
  }
  return { ...chat, messages: { ...chat.messages, [id]: held } };
}

/** Adds the rooms of room conversations not listed yet; the bundle's own entries win. */
function withConversationRooms(rooms: readonly Room[], conversations: readonly Conversation[]): readonly Room[] {
  const known = new Set(rooms.map((room) => room.id));
  // A room conversation carries no room kind: "group" is every room but the lobby, which the bundle lists itself. Nor
  // does it say whether the room is public or who owns it: private and unknown until the next bundle tells.
  const added = conversations
    .filter((c) => c.kind === "room" && c.roomId !== null && !known.has(c.roomId))
    .map((c) => ({ id: c.roomId!, name: c.title, kind: "group", public: false, ownerId: null, conversationId: c.id }));
  return added.length ? [...rooms, ...added] : rooms;
}

/**
 * Remembered devices: the last `list_devices` answer; a new login or the end of the session forgets it, since it
 * may belong to another account.
 *
 * @example
 * ```ts
 * import { devicesReducer } from "./reducers.ts";
 * const list = [{ id: 3, name: "Laptop", createdAt: 1, lastUsedAt: 2, current: true }];
 * devicesReducer([], { type: "devices", list }) === list; // true
 * ```
 */
export function devicesReducer(state: readonly Device[], action: ClientAction): readonly Device[] {
  switch (action.type) {
    case "devices":
      return action.list;
    case "loggedIn":
    case "kicked":
    case "loggedOut":
      return NONE;
    default:
      return state;
  }
}

/**
 * The whole client state: each part by its reducer. Returns `state` itself when no part changed (an unknown
 * action, from a newer caller, changes nothing), so store readers see a change only when there is one.
 *
 * @param state The current state; not modified.
 * @param action What happened.
 * @returns The next state.
 *
 * @example
 * ```ts
 * import { clientReducer, initialClientState } from "./reducers.ts";
 * const state = clientReducer(initialClientState, { type: "status", status: { state: "open" } });
 * state.connection.status.state; // "open"
 * ```
 */
export function clientReducer(state: ClientState, action: ClientAction): ClientState {
  const session = sessionReducer(state.session, action);
  const users = usersReducer(state.users, action, state.session);
  const me = session.state === "signedIn" ? session.user.id : null;
  const context: ChatContext = { me, nickname: (id) => users[id]?.nickname };
  let chat = chatPart(state, action, context);
  if (users !== state.users) chat = refreshPreviews(chat, context);
  const lobby = lobbyAfter(state, action);
  chat = withLobbyMessages(chat, lobby, lobbyHeldAfter(state, lobby, action, me));
  const next: ClientState = {
    connection: connectionReducer(state.connection, action),
    session,
    contacts: contactsReducer(state.contacts, action),
    friendRequests: friendRequestsReducer(state.friendRequests, action),
    sentRequests: sentRequestsReducer(state.sentRequests, action),
    blocked: blockedReducer(state.blocked, action),
    rooms: roomsAfter(state, action),
    roomMembers: roomMembersAfter(state, action),
    lobbyOnline: lobbyOnlineReducer(state.lobbyOnline, action),
    lobby,
    devices: devicesReducer(state.devices, action),
    users,
    conversations: chat.conversations,
    messages: chat.messages,
  };
  const changed = (Object.keys(next) as (keyof ClientState)[]).some((key) => next[key] !== state[key]);
  return changed ? next : state;
}

/** Whether a login is the signed-in user's again (a resume after a drop), whose data the state may keep. */
function sameUser(session: SessionState, bundle: LoginBundle): boolean {
  return session.state === "signedIn" && session.user.id === bundle.user.id;
}

/** The conversations and messages after an action. */
function chatPart(state: ClientState, action: ClientAction, context: ChatContext): ChatState {
  const chat: ChatState = { conversations: state.conversations, messages: state.messages };
  switch (action.type) {
    case "loggedIn":
      return chatReducer(chat, {
        type: "conversations",
        conversations: action.bundle.conversations,
        reset: !sameUser(state.session, action.bundle),
      }, context);
    case "kicked":
    case "loggedOut":
      return emptyChat;
    case "roomRemoved": {
      // A room that leaves the list takes its conversation with it.
      const room = state.rooms.find((room) => room.id === action.roomId);
      if (!room) return chat;
      return chatReducer(chat, { type: "conversationRemoved", conversationId: room.conversationId }, context);
    }
    default:
      return chatReducer(chat, action as ChatAction, context);
  }
}

/** The rooms after an action: leaving a room's conversation leaves the room. */
function roomsAfter(state: ClientState, action: ClientAction): readonly Room[] {
  if (action.type !== "conversationRemoved") return roomsReducer(state.rooms, action);
  const roomId = roomOfConversation(state, action.conversationId);
  return roomId === undefined ? state.rooms : roomsReducer(state.rooms, { type: "roomRemoved", roomId });
}

/** The members after an action: leaving a room's conversation forgets the room's members too. */
function roomMembersAfter(state: ClientState, action: ClientAction): Readonly<Record<number, RoomMembers>> {
  if (action.type !== "conversationRemoved") return roomMembersReducer(state.roomMembers, action);
  const roomId = roomOfConversation(state, action.conversationId);
  return roomId === undefined
    ? state.roomMembers
    : roomMembersReducer(state.roomMembers, { type: "roomRemoved", roomId });
}

/** The id of the listed room whose conversation this is. */
function roomOfConversation(state: ClientState, conversationId: number): number | undefined {
  const roomId = state.conversations.find((c) => c.id === conversationId)?.roomId ??
    state.rooms.find((room) => room.conversationId === conversationId)?.id;
  return roomId ?? undefined;
}

/**
 * Requests the user sent: kept through a resume, forgotten at a new login or the end of the session.
 *
 * @example
 * ```ts
 * import { sentRequestsReducer } from "./reducers.ts";
 * sentRequestsReducer([], { type: "loggedOut" }).length; // 0
 * ```
 */
export function sentRequestsReducer(
  state: readonly SentFriendRequest[],
  action: ClientAction,
): readonly SentFriendRequest[] {
  switch (action.type) {
    case "kicked":
    case "loggedOut":
      return state.length ? NONE : state;
    default:
      return sentRequests(state, action as FriendsAction);
  }
}

/**
 * Blocked users: the last `list_blocked` answer, forgotten at a login and at the end of the session.
 *
 * @example
 * ```ts
 * import { blockedReducer } from "./reducers.ts";
 * blockedReducer([], { type: "blocked", list: [{ id: 3, username: "x", nickname: "X", blockedAt: 1 }] }).length; // 1
 * ```
 */
export function blockedReducer(state: readonly BlockedUser[], action: ClientAction): readonly BlockedUser[] {
  switch (action.type) {
    case "loggedIn":
    case "kicked":
    case "loggedOut":
      return state.length ? NONE : state;
    default:
      return blockedUsers(state, action as FriendsAction);
  }
}

/**
 * The users known by name: learnt from the bundle, pushes and answers; kept through a resume, forgotten at another
 * user's login and at the end of the session.
 *
 * @param state The directory.
 * @param action What happened.
 * @param session The session before the action, to tell a resume from another user's login.
 * @returns The next directory; `state` itself when nothing changed.
 */
export function usersReducer(
  state: Readonly<Record<number, UserRef>>,
  action: ClientAction,
  session: SessionState,
): Readonly<Record<number, UserRef>> {
  switch (action.type) {
    case "loggedIn": {
      const { bundle } = action;
      const base = sameUser(session, bundle) ? state : initialClientState.users;
      return learnUsers(base, [
        bundle.user,
        ...bundle.friends,
        ...bundle.friendRequests.map((request) => request.from),
        ...bundle.conversations.map((conversation) => conversation.peer),
        ...bundle.users,
      ]);
    }
    case "profile":
      return session.state === "signedIn" ? learnUsers(state, [action.user]) : state;
    case "friendRequest":
      return learnUsers(state, [action.request.from]);
    case "friendAdded":
      return learnUsers(state, [action.friend]);
    case "conversationAdded":
      return learnUsers(state, [action.conversation.peer, ...action.users ?? []]);
    case "conversations":
      return learnUsers(state, [
        ...action.conversations.map((conversation) => conversation.peer),
        ...action.users ?? [],
      ]);
    // The senders that answers and pushes carrying messages name (PROTOCOL.md §14.2): strangers in the lobby too.
    case "messages":
    case "history":
    case "users":
      return action.users ? learnUsers(state, action.users) : state;
    case "kicked":
    case "loggedOut":
      return Object.keys(state).length ? initialClientState.users : state;
    default:
      return state;
  }
}

/**
 * A store of the client state, starting from {@link initialClientState}.
 *
 * @param options `onError`: where a throwing subscriber is reported.
 * @returns The store.
 *
 * @example
 * ```ts
 * import { createClientStore } from "./reducers.ts";
 * const store = createClientStore();
 * store.dispatch({ type: "loggedOut" });
 * store.getSnapshot().session.state; // "signedOut"
 * ```
 */
export function createClientStore(options: StoreOptions = {}): Store<ClientState, ClientAction> {
  return createStore(initialClientState, clientReducer, options);
}

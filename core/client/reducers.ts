// The client's state and the pure reducers that move it: connection, session, contacts, friend requests, rooms, devices.

import type { LoginBundle, Profile } from "../protocol/ops/bundle.ts";
import { applyPresence, type Contact, sortContacts } from "./contacts.ts";
import type { Kick, Presence } from "./events.ts";
import type { ConnectionStatus } from "./reconnect.ts";
import { createStore, type Store, type StoreOptions } from "./state.ts";

/** A pending or answered friend request, as in the login bundle (PROTOCOL.md §10.3). */
export type FriendRequest = LoginBundle["friendRequests"][number];

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
  friendRequests: readonly FriendRequest[];
  rooms: readonly Room[];
  devices: readonly Device[];
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
  | { type: "profile"; user: Profile };

const NONE: readonly never[] = Object.freeze([]);

/** The state before anything happened: connecting, signed out, empty lists. */
export const initialClientState: ClientState = Object.freeze({
  connection: Object.freeze({ status: Object.freeze({ state: "connecting" as const }), suite: null }),
  session: Object.freeze({ state: "signedOut" as const }),
  contacts: NONE,
  friendRequests: NONE,
  rooms: NONE,
  devices: NONE,
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
    case "kicked":
    case "loggedOut":
      return NONE;
    default:
      return state;
  }
}

/**
 * Friend requests: the bundle's, forgotten at the end of the session.
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
      return state;
  }
}

/**
 * Rooms: the bundle's, forgotten at the end of the session.
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
      return action.bundle.rooms;
    case "kicked":
    case "loggedOut":
      return NONE;
    default:
      return state;
  }
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
  const next: ClientState = {
    connection: connectionReducer(state.connection, action),
    session: sessionReducer(state.session, action),
    contacts: contactsReducer(state.contacts, action),
    friendRequests: friendRequestsReducer(state.friendRequests, action),
    rooms: roomsReducer(state.rooms, action),
    devices: devicesReducer(state.devices, action),
  };
  const changed = (Object.keys(next) as (keyof ClientState)[]).some((key) => next[key] !== state[key]);
  return changed ? next : state;
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

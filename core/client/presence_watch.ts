// The set of users whose presence a connection watches (PROTOCOL.md §10.5): the friends, and the members of the rooms
// whose member list is shown. `watch_presence` replaces the whole set, so every change sends it whole.

import { ProtocolError } from "../protocol/errors.ts";
import { MAX_WATCHED } from "../protocol/ops/presence.ts";
import { OPS } from "../protocol/registry.ts";
import type { Caller } from "./blobs.ts";
import { isExpected } from "./chat.ts";
import type { ClientAction, ClientState } from "./reducers.ts";
import type { Store } from "./state.ts";

/** Options of {@link PresenceWatch}. */
export interface PresenceWatchOptions {
  /** The connection's state store. */
  store: Store<ClientState, ClientAction>;
  /** Sends an operation once the connection is open (`MimiConnection.call`). */
  call: Caller;
  /** Where failures that belong to no caller go. */
  onError(error: unknown): void;
}

/**
 * Who the state's presence comes from. The friends come first, then the watched rooms' members (held in
 * `roomMembers`), without the user and without repeats, at most {@link MAX_WATCHED}.
 *
 * @param state The state.
 * @param rooms The rooms whose members are watched.
 * @returns The user ids to watch.
 *
 * @example
 * ```ts
 * import { watchedUsers } from "./presence_watch.ts";
 * import { initialClientState } from "./reducers.ts";
 * watchedUsers(initialClientState, []); // []
 * ```
 */
export function watchedUsers(state: ClientState, rooms: Iterable<number>): number[] {
  const me = state.session.state === "signedIn" ? state.session.user.id : null;
  const ids = new Set(state.contacts.map((contact) => contact.id));
  for (const roomId of rooms) {
    for (const member of state.roomMembers[roomId]?.members ?? []) ids.add(member.user.id);
  }
  if (me !== null) ids.delete(me);
  return [...ids].slice(0, MAX_WATCHED);
}

/** The presence watch of one connection: the rooms whose members are watched, and the set sent to the server. */
export class PresenceWatch {
  readonly #store: Store<ClientState, ClientAction>;
  readonly #call: Caller;
  readonly #onError: (error: unknown) => void;
  /** The rooms whose members the user asked to see live. */
  readonly #rooms = new Set<number>();
  /** Whether the last set sent was not empty: an empty set needs sending only to stop an earlier one. */
  #watching = false;

  /** @param options See {@link PresenceWatchOptions}. */
  constructor(options: PresenceWatchOptions) {
    this.#store = options.store;
    this.#call = options.call;
    this.#onError = options.onError;
  }

  /** The rooms whose members are watched, ascending. */
  get rooms(): number[] {
    return [...this.#rooms].sort((a, b) => a - b);
  }

  /** Whether a room's members are watched. */
  watchesRoom(roomId: number): boolean {
    return this.#rooms.has(roomId);
  }

  /**
   * Adds or drops a room's members from the watched set.
   *
   * @returns Resolves once the server has the new set (at once when it did not change).
   */
  async setRoom(roomId: number, watch: boolean): Promise<void> {
    if (this.#rooms.has(roomId) === watch) return;
    if (watch) this.#rooms.add(roomId);
    else this.#rooms.delete(roomId);
    await this.update();
  }

  /** A room left the state: its members are watched no more (sent with the next change). */
  forgetRoom(roomId: number): void {
    this.#rooms.delete(roomId);
  }

  /**
   * Sends the set as the state shows it now: after the friends or a watched room's members changed.
   *
   * @param call Sends over the session to use (default the connection's).
   * @param isCurrent Whether that session is still the one signed in.
   * @returns Resolves once answered; rejects with the failure of `watch_presence`.
   */
  async update(call: Caller = this.#call, isCurrent: () => boolean = () => true): Promise<void> {
    const userIds = watchedUsers(this.#store.getSnapshot(), this.#rooms);
    // The watched set starts empty at login (PROTOCOL.md §10.5): with no one to watch there is nothing to ask.
    if (userIds.length === 0 && !this.#watching) return;
    this.#watching = userIds.length > 0;
    const { presence } = await call(OPS.watchPresence, { userIds });
    if (isCurrent()) this.#store.dispatch({ type: "presenceList", presence });
  }

  /** {@link update} for a caller that does not wait: failures go to `onError` unless expected. */
  refresh(call?: Caller, isCurrent: () => boolean = () => true): void {
    this.update(call, isCurrent).catch((error) => {
      // The connection ending under the request is what the status reports; anything else is worth a report.
      if (isCurrent() && !isExpected(error)) this.#onError(error);
    });
  }

  /**
   * A login or resume succeeded on a new connection, which watches nothing yet: the watched rooms' members are asked
   * for again (the login forgot them: members may have changed while away), then the whole set is watched.
   *
   * @param call Sends over this session.
   * @param isCurrent Whether the session is still the one signed in.
   */
  signedIn(call: Caller, isCurrent: () => boolean): void {
    this.#watching = false;
    const rooms = this.rooms;
    Promise.all(rooms.map(async (roomId) => {
      try {
        const { members, onlineCount } = await call(OPS.roomMembers, { roomId });
        if (!isCurrent()) return;
        this.#store.dispatch({ type: "users", users: members.map((member) => member.user) });
        this.#store.dispatch({ type: "roomMembers", roomId, members, onlineCount });
      } catch (error) {
        // A room gone while away (its removal comes by sync) is watched no more; the rest go on. A session that ended
        // under the request is the next session's to ask again.
        if (error instanceof ProtocolError && (error.code === "not_found" || error.code === "not_allowed")) {
          this.#rooms.delete(roomId);
        } else if (!isExpected(error)) throw error;
      }
    })).then(() => isCurrent() && this.refresh(call, isCurrent), (error) => {
      if (isCurrent() && !isExpected(error)) this.#onError(error);
    });
  }

  /** The session ended for good (logout, kick): nothing is watched. */
  signedOut(): void {
    this.#rooms.clear();
    this.#watching = false;
  }
}

// Watching the lobby (PROTOCOL.md §13.4): `watch_lobby`, then the lobby's newest page into the state, its live
// messages kept in sequence with gaps filled by `history`, and the watch and the page again after every reconnect.

import { OPS } from "../protocol/registry.ts";
import type { Caller } from "./blobs.ts";
import { isExpected } from "./chat.ts";
import type { Message } from "./chat_types.ts";
import { emptyMessages } from "./messages.ts";
import type { ClientAction, ClientState } from "./reducers.ts";
import type { Store } from "./state.ts";

/** Options of {@link LobbyWatch}. */
export interface LobbyWatchOptions {
  /** The connection's state store. */
  store: Store<ClientState, ClientAction>;
  /** Sends an operation once the connection is open (`MimiConnection.call`). */
  call: Caller;
  /** Where failures that belong to no caller go. */
  onError(error: unknown): void;
  /** How many of the newest messages to hold when watching starts. Default 50. */
  initialPage?: number;
}

/** One session's sender, and whether it is still the one signed in. */
interface Session {
  call: Caller;
  isCurrent(): boolean;
}

/**
 * The lobby watch of one connection. The watch belongs to the server's connection, so the wish to watch is kept here
 * and renewed on each login or resume of the same user.
 */
export class LobbyWatch {
  readonly #store: Store<ClientState, ClientAction>;
  readonly #call: Caller;
  readonly #onError: (error: unknown) => void;
  readonly #initialPage: number;
  #watching = false;
  #session: Session | undefined;
  /** The fill under way, and whether another was asked for meanwhile. */
  #filling: Promise<void> | undefined;
  #again = false;

  /** @param options See {@link LobbyWatchOptions}. */
  constructor(options: LobbyWatchOptions) {
    this.#store = options.store;
    this.#call = options.call;
    this.#onError = options.onError;
    this.#initialPage = options.initialPage ?? 50;
  }

  /** Whether the user asked to watch the lobby. */
  get watching(): boolean {
    return this.#watching;
  }

  /**
   * Starts or stops watching; starting loads the newest page into the state.
   *
   * @returns How many users are online now.
   */
  async watch(watch: boolean): Promise<number> {
    this.#watching = watch;
    const { onlineCount } = await this.#call(OPS.watchLobby, { watch });
    // A later call changed the wish while this one was answered: its own answer sets the state.
    if (this.#watching !== watch) return onlineCount;
    this.#store.dispatch({ type: "lobbyWatch", watching: watch, onlineCount });
    if (watch) await this.#fill(this.#call, true);
    return onlineCount;
  }

  /**
   * A login or resume succeeded: a lobby watched before is watched again, and what it missed is fetched.
   *
   * @param call Sends over this session.
   * @param isCurrent Whether the session is still the one signed in, so a late answer of an older one is dropped.
   */
  signedIn(call: Caller, isCurrent: () => boolean): void {
    this.#session = { call, isCurrent };
    if (!this.#watching) return;
    call(OPS.watchLobby, { watch: true }).then(
      async ({ onlineCount }) => {
        if (!isCurrent() || !this.#watching) return;
        this.#store.dispatch({ type: "lobbyWatch", watching: true, onlineCount });
        await this.#fill(call, true, isCurrent);
      },
    ).catch((error) => {
      // The connection ending under the request is what the status reports; anything else is worth a report.
      if (isCurrent() && !isExpected(error)) this.#onError(error);
    });
  }

  /** The session ended for good (logout, kick): the lobby is no longer watched. */
  signedOut(): void {
    this.#watching = false;
    this.#session = undefined;
  }

  /** A `message` push arrived: one of the lobby's past a gap makes the gap be fetched. */
  pushed(message: Message): void {
    const state = this.#store.getSnapshot();
    if (!this.#watching || state.lobby?.conversationId !== message.conversationId) return;
    const held = state.messages[message.conversationId] ?? emptyMessages;
    if (held.through >= message.seq) return;
    const session = this.#session;
    const call = session?.call ?? this.#call;
    this.#fill(call, false, session?.isCurrent).catch((error) => {
      if (!isExpected(error)) this.#onError(error);
    });
  }

  /**
   * Fetches what the state lacks of the lobby: the newest page when asked (or when nothing is held), then forward
   * pages while messages are held past a gap. One fill at a time; a request meanwhile makes it look again.
   */
  #fill(call: Caller, newest: boolean, isCurrent: () => boolean = () => true): Promise<void> {
    if (this.#filling) {
      this.#again = true;
      return this.#filling;
    }
    const run = async () => {
      try {
        do {
          this.#again = false;
          await this.#fillOnce(call, newest, isCurrent);
          newest = false;
        } while (this.#again && isCurrent());
      } finally {
        this.#filling = undefined;
      }
    };
    return this.#filling = run();
  }

  async #fillOnce(call: Caller, newest: boolean, isCurrent: () => boolean): Promise<void> {
    while (this.#watching && isCurrent()) {
      const state = this.#store.getSnapshot();
      const lobby = state.lobby;
      if (!lobby?.watching) return;
      const conversationId = lobby.conversationId;
      const held = state.messages[conversationId] ?? emptyMessages;
      const knownLastSeq = held.messages.at(-1)?.seq ?? 0;
      if (newest || held.through === 0) {
        newest = false;
        const page = await call(OPS.history, { conversationId, limit: this.#initialPage });
        if (!isCurrent() || !this.#watching) return;
        this.#store.dispatch({ type: "history", conversationId, ...page, knownLastSeq });
      } else if (knownLastSeq > held.through) {
        const after = held.through;
        const page = await call(OPS.history, { conversationId, after, limit: 200 });
        if (!isCurrent() || !this.#watching) return;
        this.#store.dispatch({ type: "history", conversationId, after, ...page, knownLastSeq });
      } else {
        return;
      }
      const now = this.#store.getSnapshot().messages[conversationId] ?? emptyMessages;
      // A page that moved nothing forward would be asked again forever: the server holds no more than this.
      if (now.through <= held.through) return;
    }
  }
}

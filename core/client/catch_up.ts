// Catch-up (PROTOCOL.md §14.4): fetches with `history` whatever the state lacks of each conversation, at login, at
// every resume and whenever a push shows a gap, one conversation at a time each, until nothing is missing.

import type { Message } from "./chat_types.ts";
import type { UserRef } from "../protocol/ops/friends.ts";
import type { ChatAction, ChatState } from "./conversations.ts";
import { emptyMessages } from "./messages.ts";

/** A `history` request, as catch-up asks it. */
export interface HistoryRequest {
  conversationId: number;
  after?: number;
  before?: number;
  limit: number;
}

/** Options of {@link CatchUp}. */
export interface CatchUpOptions {
  /** Sends `history` over the session this catch-up belongs to. */
  history(
    request: HistoryRequest,
  ): Promise<{ messages: readonly Message[]; hasMore: boolean; users?: readonly UserRef[] }>;
  /** The state's conversations and messages now. */
  getState(): ChatState;
  /** Applies a page to the state. */
  dispatch(action: ChatAction): void;
  /** Messages per forward page. Default 200, the most `history` answers. */
  pageSize?: number;
  /**
   * How many of the newest messages to fetch of a conversation of which nothing is held and that has more than
   * this: older ones come with `loadOlder`. Default 50.
   */
  initialPage?: number;
  /** Where a failed fetch goes, unless `isExpected` says it needs no report. */
  onError(error: unknown): void;
  /**
   * Whether a failure needs no report: the conversation is gone (`not_found`, `not_allowed`; its push follows) or
   * the session ended under the request (the next session catches up).
   */
  isExpected?(error: unknown): boolean;
}

/**
 * Fills what the state lacks of conversations. One per session: `stop()` it when the session ends, and a new one
 * catches up on the next session from what the state holds, so nothing a dropped connection missed is lost, and a
 * message fetched twice (by a page and a push) is kept once by the state.
 *
 * @example
 * ```ts ignore
 * const catchUp = new CatchUp({ history: (r) => client.call(OPS.history, r), getState, dispatch, onError });
 * await catchUp.all(); // after login or resume
 * catchUp.request(message.conversationId); // after a push past a gap
 * ```
 */
export class CatchUp {
  readonly #options: CatchUpOptions;
  readonly #pageSize: number;
  readonly #initialPage: number;
  /** Conversations being fetched, and whether another request came meanwhile. */
  readonly #running = new Map<number, { again: boolean; done: Promise<void> }>();
  #stopped = false;

  /**
   * @param options See {@link CatchUpOptions}.
   * @throws {RangeError} If a page size is not a whole number from 1 to 200.
   */
  constructor(options: CatchUpOptions) {
    this.#options = options;
    this.#pageSize = checkPage("pageSize", options.pageSize ?? 200);
    this.#initialPage = checkPage("initialPage", options.initialPage ?? 50);
  }

  /** Whether {@link stop} was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Catches up every conversation of the state whose last message lies past what is held, a few at a time.
   *
   * @returns Resolves when all are done (failures go to `onError`).
   */
  async all(): Promise<void> {
    const ids = this.#options.getState().conversations.map((conversation) => conversation.id);
    let next = 0;
    const worker = async () => {
      while (next < ids.length && !this.#stopped) await this.request(ids[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(4, ids.length) }, worker));
  }

  /**
   * Catches up one conversation; a request while it is under way makes it look again when done.
   *
   * @param conversationId The conversation.
   * @returns Resolves when nothing is missing (or the session ended); never rejects.
   */
  request(conversationId: number): Promise<void> {
    const running = this.#running.get(conversationId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const job = { again: false, done: Promise.resolve() };
    job.done = (async () => {
      try {
        do {
          job.again = false;
          await this.#fill(conversationId);
        } while (job.again && !this.#stopped);
      } catch (error) {
        if (!this.#stopped && !this.#options.isExpected?.(error)) this.#options.onError(error);
      } finally {
        this.#running.delete(conversationId);
      }
    })();
    this.#running.set(conversationId, job);
    return job.done;
  }

  /**
   * Fetches the page of messages before the oldest held (the newest page when none is held).
   *
   * @param conversationId The conversation.
   * @param limit How many messages at most.
   * @returns Whether older messages remain; rejects with the `history` failure.
   */
  async loadOlder(conversationId: number, limit = 50): Promise<boolean> {
    checkPage("limit", limit);
    const held = this.#options.getState().messages[conversationId] ?? emptyMessages;
    const oldest = held.messages[0]?.seq;
    const knownLastSeq = this.#lastSeq(conversationId);
    if (oldest === undefined) {
      const page = await this.#options.history({ conversationId, limit });
      if (!this.#stopped) this.#options.dispatch({ type: "history", conversationId, ...page, knownLastSeq });
      return page.hasMore;
    }
    if (oldest <= 1) return false;
    const page = await this.#options.history({ conversationId, before: oldest, limit });
    if (!this.#stopped) {
      this.#options.dispatch({ type: "history", conversationId, before: oldest, ...page, knownLastSeq });
    }
    return page.hasMore;
  }

  /** Stops: pages that arrive later are dropped, and no more are asked for. */
  stop(): void {
    this.#stopped = true;
  }

  /** The last `seq` the client knows of: the list's, or a message held past it. */
  #lastSeq(conversationId: number): number {
    const state = this.#options.getState();
    const summary = state.conversations.find((conversation) => conversation.id === conversationId);
    const held = state.messages[conversationId];
    return Math.max(summary?.lastSeq ?? 0, held?.messages.at(-1)?.seq ?? 0);
  }

  async #fill(conversationId: number): Promise<void> {
    while (!this.#stopped) {
      const state = this.#options.getState();
      // A conversation no longer listed (removed meanwhile) has nothing to catch up.
      if (!state.conversations.some((conversation) => conversation.id === conversationId)) return;
      const held = state.messages[conversationId] ?? emptyMessages;
      const knownLastSeq = this.#lastSeq(conversationId);
      if (held.through >= knownLastSeq) return;
      let action: ChatAction;
      if (held.messages.length === 0 && held.through === 0 && knownLastSeq > this.#initialPage) {
        // Nothing held of a long conversation: its newest messages, as a screen shows them first.
        const page = await this.#options.history({ conversationId, limit: this.#initialPage });
        action = { type: "history", conversationId, ...page, knownLastSeq };
      } else {
        const after = held.through;
        const page = await this.#options.history({ conversationId, after, limit: this.#pageSize });
        action = { type: "history", conversationId, after, ...page, knownLastSeq };
      }
      if (this.#stopped) return;
      this.#options.dispatch(action);
      const now = this.#options.getState().messages[conversationId] ?? emptyMessages;
      // A page that moved nothing forward would be asked again forever: the server holds no more than this.
      if (now.through <= held.through) return;
    }
  }
}

function checkPage(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 200) {
    throw new RangeError(
      `Cannot catch up as '${name}' must be a whole number from 1 to 200: current value is ${value}`,
    );
  }
  return value;
}

// The outbox: every send gets a client id, waits while disconnected and goes out in order once connected.

import { hex } from "../bytes/mod.ts";
import type { RandomSource } from "../crypto/primitives/types.ts";
import { Emitter, type EmitterOptions } from "./emitter.ts";

/**
 * Where a send stands: `pending` (waiting for a connection, or on its way), `sent` (the server answered), `failed`
 * (the server refused it; `retry()` or `discard()` it).
 */
export type OutboxState = "pending" | "sent" | "failed";

/** One send as the outbox holds it. Replaced, never mutated, when its state changes. */
export interface OutboxEntry<T> {
  /** 128 random bits in lowercase hex: the send's identity across resends. */
  readonly clientId: string;
  readonly message: T;
  readonly state: OutboxState;
  /** What the server answered, when `failed`. */
  readonly error?: unknown;
}

/** Options of {@link Outbox}. */
export interface OutboxOptions<T, R> {
  /** Sends one message under its client id over the current connection; resolves with the server's answer. */
  send: (clientId: string, message: T) => Promise<R>;
  /**
   * Whether a rejection of `send` means "the connection broke, try again after reconnecting" (true) rather than
   * "the server refused this message" (false). Required: only the caller knows its transport's errors.
   */
  isTransient: (error: unknown) => boolean;
  /** How many pending and failed sends the outbox holds at most. Default 1000. */
  limit?: number;
  /** Random bytes for client ids. Default `crypto.getRandomValues`. */
  random?: RandomSource;
  /** Whether a connection is up at the start. Default false. */
  online?: boolean;
  /** Where a throwing `change` subscriber is reported (see {@link EmitterOptions.onError}). */
  onError?: EmitterOptions["onError"];
}

/** The events of an {@link Outbox}. */
export interface OutboxEvents<T> {
  /** An entry was added or changed state (a `sent` entry has left the outbox). */
  change: OutboxEntry<T>;
}

/** The outbox is full: the message was not queued. */
export class OutboxFullError extends Error {
  override name = "OutboxFullError";
  /** The outbox's limit. */
  readonly limit: number;

  /** @param limit The outbox's limit. */
  constructor(limit: number) {
    super(`Cannot queue the message: ${limit} messages are waiting to be sent already, the outbox's limit`);
    this.limit = limit;
  }
}

const defaultRandom: RandomSource = (length) => crypto.getRandomValues(new Uint8Array(length));

/**
 * A new client id: 128 random bits (16 bytes) in lowercase hex, so ids of different clients do not collide.
 *
 * @param random The source of random bytes; default `crypto.getRandomValues`.
 * @returns 32 hex digits.
 *
 * @example
 * ```ts
 * import { newClientId } from "./outbox.ts";
 * newClientId().length; // 32
 * newClientId((n) => new Uint8Array(n).fill(0xab)); // "abababababababababababababababab"
 * ```
 */
export function newClientId(random: RandomSource = defaultRandom): string {
  const bytes = random(16);
  if (!(bytes instanceof Uint8Array) || bytes.length !== 16) {
    throw new TypeError("Cannot make a client id: the random source did not return 16 bytes");
  }
  return hex(bytes);
}

interface Item<T, R> {
  entry: OutboxEntry<T>;
  resolve: (answer: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Sends that survive a dropped connection.
 *
 * Each message gets a client id when it is queued and keeps it for every resend. Sends go out one at a time in the
 * order they were queued: the next starts when the previous one is answered, so the server sees them in order
 * whatever order it answers operations in. When a send fails because the connection broke (`isTransient`), it stays
 * pending and the outbox waits for `setOnline(true)` (the reconnector's next `open`), then sends it again.
 *
 * Idempotence is the server's job, not the outbox's: a send whose connection broke may or may not have reached the
 * server, and the outbox cannot know which, so it sends again with the same client id. The server must recognise the
 * id and apply the message once, answering a repeat as it answered the first.
 *
 * @example
 * ```ts
 * import { Outbox } from "./outbox.ts";
 *
 * const outbox = new Outbox<string, void>({
 *   send: async (clientId, text) => console.log("sending", clientId, text),
 *   isTransient: (error) => error instanceof TypeError,
 * });
 * const { done } = outbox.send("hello"); // pending: not online yet
 * outbox.setOnline(true); // now it goes out
 * await done;
 * ```
 */
export class Outbox<T, R> {
  readonly #send: (clientId: string, message: T) => Promise<R>;
  readonly #isTransient: (error: unknown) => boolean;
  readonly #random: RandomSource;
  readonly #events: Emitter<OutboxEvents<T>>;
  /** Pending and failed sends, in the order they go out. */
  readonly #items: Item<T, R>[] = [];
  /** The most pending and failed sends held at once. */
  readonly limit: number;
  #online: boolean;
  /** Counts the times the outbox came online, so a failure of an older connection does not stop a newer one. */
  #epoch = 0;
  #flushing = false;

  /**
   * @param options See {@link OutboxOptions}.
   * @throws {RangeError} If `limit` is not a whole number of at least 1.
   */
  constructor(options: OutboxOptions<T, R>) {
    if (typeof options.send !== "function") throw new TypeError("Cannot create an outbox: 'send' is not a function");
    if (typeof options.isTransient !== "function") {
      throw new TypeError("Cannot create an outbox: 'isTransient' is not a function");
    }
    const limit = options.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(
        `Cannot create an outbox as 'limit' must be a whole number from 1: current value is ${limit}`,
      );
    }
    this.limit = limit;
    this.#send = options.send;
    this.#isTransient = options.isTransient;
    this.#random = options.random ?? defaultRandom;
    this.#online = options.online ?? false;
    this.#events = new Emitter<OutboxEvents<T>>({ onError: options.onError });
  }

  /** The pending and failed sends, in the order they go out. */
  entries(): readonly OutboxEntry<T>[] {
    return this.#items.map((item) => item.entry);
  }

  /**
   * Subscribes to changes of entries.
   *
   * @param event `change`.
   * @param fn Called with the entry in its new state.
   * @returns The unsubscribe function.
   */
  on(event: "change", fn: (entry: OutboxEntry<T>) => void): () => void {
    return this.#events.on(event, fn);
  }

  /**
   * Queues a message; it goes out at once when online, after the sends queued before it.
   *
   * @param message The message.
   * @returns Its client id, and `done`, which resolves with the server's answer when sent or rejects with its
   *   refusal when failed. It need not be awaited: the entry's state and the `change` event say the same.
   * @throws {OutboxFullError} If `limit` sends are pending or failed already.
   */
  send(message: T): { clientId: string; done: Promise<R> } {
    if (this.#items.length >= this.limit) throw new OutboxFullError(this.limit);
    const clientId = newClientId(this.#random);
    const done = this.#enqueue({ clientId, message, state: "pending" });
    return { clientId, done };
  }

  /**
   * Takes back sends kept from an earlier run (a reload, a restart) under their own client ids, ahead of what is
   * queued now, since they were queued first: `pending` ones go out in turn, `failed` ones wait for `retry` or
   * `discard`. A send whose id the outbox holds already is skipped. Each gets a `change` event.
   *
   * @param sends The sends, oldest first.
   * @returns Each taken send's `done`, by client id.
   */
  restore(
    sends: readonly { clientId: string; message: T; state: "pending" | "failed" }[],
  ): Map<string, Promise<R>> {
    const held = new Set(this.#items.map((item) => item.entry.clientId));
    const taken: Item<T, R>[] = [];
    const done = new Map<string, Promise<R>>();
    for (const { clientId, message, state } of sends) {
      if (held.has(clientId)) continue;
      held.add(clientId);
      const item = this.#item({ clientId, message, state });
      taken.push(item.item);
      done.set(clientId, item.done);
    }
    this.#items.unshift(...taken);
    for (const item of taken) this.#events.emit("change", item.entry);
    this.#flush();
    return done;
  }

  /**
   * Queues a failed send again, under the same client id, after the sends pending now.
   *
   * @param clientId The failed send's id.
   * @returns What `send()`'s `done` is: the answer, or the refusal.
   * @throws {RangeError} If no failed send has that id.
   */
  retry(clientId: string): Promise<R> {
    const item = this.#takeFailed(clientId, "retry");
    return this.#enqueue({ clientId, message: item.entry.message, state: "pending" });
  }

  /**
   * Drops a failed send.
   *
   * @param clientId The failed send's id.
   * @throws {RangeError} If no failed send has that id (a pending one may be on its way and cannot be recalled).
   */
  discard(clientId: string): void {
    this.#takeFailed(clientId, "discard");
  }

  /**
   * Says whether a connection is up: `true` sends what is pending, in order; `false` holds new sends back. The one
   * on its way when the connection drops comes back pending, through `isTransient`.
   *
   * @param online Whether the connection is up.
   */
  setOnline(online: boolean): void {
    if (online === this.#online) return;
    this.#online = online;
    if (online) {
      this.#epoch++;
      this.#flush();
    }
  }

  /**
   * Drops every pending and failed send, rejecting each one's `done` with `reason`: for a session that ended for good
   * (a logout, a kick), whose sends must not go out under the next login. A send on its way when this is called may
   * still reach the server; its answer is ignored. No `change` events: the sends are gone, not settled.
   *
   * @param reason What each dropped send's `done` rejects with.
   */
  clear(reason: unknown): void {
    const items = this.#items.splice(0);
    for (const item of items) item.reject(reason);
  }

  #enqueue(entry: OutboxEntry<T>): Promise<R> {
    const { item, done } = this.#item(entry);
    this.#items.push(item);
    this.#events.emit("change", entry);
    this.#flush();
    return done;
  }

  #item(entry: OutboxEntry<T>): { item: Item<T, R>; done: Promise<R> } {
    let resolve!: (answer: R) => void, reject!: (error: unknown) => void;
    const done = new Promise<R>((yes, no) => [resolve, reject] = [yes, no]);
    // Not swallowed: a refusal is also the entry's `failed` state and a `change` event, and a caller that awaits
    // `done` still gets the rejection. This only keeps an unawaited refusal from being an unhandled rejection.
    done.catch(() => {});
    return { item: { entry, resolve, reject }, done };
  }

  #takeFailed(clientId: string, what: string): Item<T, R> {
    const index = this.#items.findIndex((item) => item.entry.clientId === clientId && item.entry.state === "failed");
    if (index === -1) throw new RangeError(`Cannot ${what} ${clientId}: the outbox holds no failed send of that id`);
    return this.#items.splice(index, 1)[0];
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#online) {
        const item = this.#items.find((item) => item.entry.state === "pending");
        if (!item) break;
        const epoch = this.#epoch;
        try {
          const answer = await this.#send(item.entry.clientId, item.entry.message);
          const index = this.#items.indexOf(item);
          // Cleared while on its way: its `done` has rejected already.
          if (index === -1) continue;
          this.#items.splice(index, 1);
          this.#settle(item, { ...item.entry, state: "sent" });
          item.resolve(answer);
        } catch (error) {
          if (!this.#items.includes(item)) continue;
          if (this.#isTransient(error)) {
            // The connection broke under this send: keep it pending, first in line, until the next connection. A
            // connection that came up meanwhile (a newer epoch) is not affected.
            if (epoch === this.#epoch) this.#online = false;
          } else {
            this.#settle(item, { ...item.entry, state: "failed", error });
            item.reject(error);
          }
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  #settle(item: Item<T, R>, entry: OutboxEntry<T>): void {
    item.entry = entry;
    this.#events.emit("change", entry);
  }
}

// A typed event emitter: any number of subscribers per event, each `on()` handing back its own unsubscribe function.

/** A subscriber of one event. */
export type Listener<T> = (payload: T) => void;

/** Options of {@link Emitter}. */
export interface EmitterOptions {
  /**
   * Called with what a subscriber threw, after which the remaining subscribers still run.
   *
   * The emitter cannot know what a subscriber's failure means, and the code that emits (a connection's read loop, a
   * state store) must not be broken by a bug in a screen that listens to it: one faulty subscriber would otherwise
   * stop every later one and unwind the emitter's caller. So the failure goes here instead. The default reports it
   * as `EventTarget` does for a throwing listener (`reportError`, so it reaches the console and `error` handlers;
   * where that is missing, a rethrow from a microtask), which keeps the bug loud without stopping anyone else.
   */
  onError?: (error: unknown, event: string) => void;
}

interface Subscription<T> {
  fn: Listener<T>;
  active: boolean;
}

/**
 * Reports an error out of band, as the platform does for a throwing event listener: `reportError` where there is one
 * (it reaches the console and `error` handlers), otherwise a rethrow from a microtask.
 *
 * @param error What went wrong.
 */
export function reportOutOfBand(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === "function") report(error);
  else {queueMicrotask(() => {
      throw error;
    });}
}

/**
 * A typed event emitter. `Events` maps each event's name to the payload it carries.
 *
 * Subscribers run in the order they subscribed. One added while an event is being delivered does not get that
 * event; one removed while an event is being delivered and before its turn does not get it either (a screen that
 * unsubscribed has gone away). Subscribing the same function twice makes two subscriptions, each with its own
 * unsubscribe function.
 *
 * @example
 * ```ts
 * import { Emitter } from "./emitter.ts";
 *
 * const events = new Emitter<{ presence: { userId: number; online: boolean } }>();
 * const seen: number[] = [];
 * const off = events.on("presence", (p) => seen.push(p.userId));
 * events.emit("presence", { userId: 7, online: true });
 * off();
 * events.emit("presence", { userId: 8, online: true });
 * // seen is [7]
 * ```
 */
export class Emitter<Events extends object> {
  readonly #subscribers = new Map<keyof Events, Subscription<never>[]>();
  readonly #onError: (error: unknown, event: string) => void;

  /** @param options `onError`: where a subscriber's failure goes (see {@link EmitterOptions.onError}). */
  constructor(options: EmitterOptions = {}) {
    this.#onError = options.onError ?? reportOutOfBand;
  }

  /**
   * Subscribes to an event.
   *
   * @param event The event's name.
   * @param fn Called with each payload.
   * @returns A function that ends this subscription; calling it again does nothing.
   */
  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    if (typeof fn !== "function") throw new TypeError(`Cannot subscribe to "${String(event)}": not a function`);
    const subscription: Subscription<Events[K]> = { fn, active: true };
    const list = (this.#subscribers.get(event) ?? []) as Subscription<Events[K]>[];
    // Copy on write, so a delivery in progress keeps iterating the list it started with.
    this.#subscribers.set(event, [...list, subscription] as Subscription<never>[]);
    return () => {
      if (!subscription.active) return;
      subscription.active = false;
      const current = this.#subscribers.get(event) ?? [];
      const rest = current.filter((s) => s !== subscription);
      if (rest.length === 0) this.#subscribers.delete(event);
      else this.#subscribers.set(event, rest);
    };
  }

  /**
   * Delivers a payload to every subscriber of an event. A subscriber that throws is reported to `onError` and the
   * others still run; `emit` itself does not throw for them.
   *
   * @param event The event's name.
   * @param payload What the subscribers receive.
   */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.#subscribers.get(event) as Subscription<Events[K]>[] | undefined;
    if (!list) return;
    for (const subscription of list) {
      if (!subscription.active) continue;
      try {
        subscription.fn(payload);
      } catch (error) {
        // Not swallowed: handed to onError (by default reported like a throwing DOM listener), see EmitterOptions.
        this.#onError(error, String(event));
      }
    }
  }

  /**
   * How many subscriptions an event has.
   *
   * @param event The event's name.
   * @returns The number of active subscriptions.
   */
  listenerCount(event: keyof Events): number {
    return this.#subscribers.get(event)?.length ?? 0;
  }
}

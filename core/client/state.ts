// A framework-free state store: one immutable snapshot, changed only by dispatching actions through a pure reducer.

import { Emitter, type EmitterOptions } from "./emitter.ts";

/** A pure function from a state and an action to the next state; returns `state` itself when nothing changes. */
export type Reducer<S, A> = (state: S, action: A) => S;

/** A store as UIs read it: the shape `useSyncExternalStore` (React, Preact compat) expects, plus `dispatch`. */
export interface Store<S, A> {
  /** The current state: the same object until an action changes it, so readers can compare by identity. */
  getSnapshot(): S;
  /**
   * Calls `fn` after every change of the snapshot (not for actions that change nothing).
   *
   * @returns The unsubscribe function.
   */
  subscribe(fn: () => void): () => void;
  /** Runs the reducer on the action and, if the state changed, tells the subscribers. */
  dispatch(action: A): void;
}

/** Options of {@link createStore}. */
export interface StoreOptions {
  /** Where a throwing subscriber is reported; the other subscribers still run (see {@link EmitterOptions.onError}). */
  onError?: EmitterOptions["onError"];
}

/**
 * Creates a store.
 *
 * A subscriber receives no arguments: it reads `getSnapshot()`, which is always the newest state even when a
 * subscriber dispatched again in between. Dispatching from inside the reducer is refused: a reducer must be pure.
 *
 * @param initial The first snapshot.
 * @param reducer Computes each next snapshot; must not mutate its input.
 * @param options `onError`: where a subscriber's failure goes.
 * @returns The store.
 *
 * @example
 * ```ts
 * import { createStore } from "./state.ts";
 *
 * const store = createStore(0, (count: number, action: "add" | "noop") => action === "add" ? count + 1 : count);
 * const off = store.subscribe(() => console.log(store.getSnapshot())); // 1
 * store.dispatch("add");
 * store.dispatch("noop"); // no change, no call
 * off();
 * ```
 */
export function createStore<S, A>(initial: S, reducer: Reducer<S, A>, options: StoreOptions = {}): Store<S, A> {
  if (typeof reducer !== "function") throw new TypeError("Cannot create a store: the reducer is not a function");
  let state = initial;
  let reducing = false;
  const events = new Emitter<{ change: undefined }>({ onError: options.onError });
  return {
    getSnapshot: () => state,
    subscribe: (fn) => events.on("change", fn),
    dispatch(action) {
      if (reducing) throw new Error("Cannot dispatch while the reducer runs: a reducer must not cause actions");
      let next: S;
      reducing = true;
      try {
        next = reducer(state, action);
      } finally {
        // A throwing reducer leaves the state as it was; the error goes on to the dispatcher.
        reducing = false;
      }
      if (Object.is(next, state)) return;
      state = next;
      events.emit("change", undefined);
    },
  };
}

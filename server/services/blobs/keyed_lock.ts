// One async lock per key, made on first use and dropped when idle: the calls on one upload run one at a time.

/**
 * Runs functions one at a time per key, in the order they were handed in; functions of different keys do not wait
 * for each other. A holder that throws releases its key all the same. Keys nobody holds or waits for take no memory.
 *
 * Not re-entrant: a holder that runs again under its own key and awaits the result waits for itself forever.
 *
 * @example
 * ```ts
 * import { KeyedLock } from "./keyed_lock.ts";
 * const locks = new KeyedLock<number>();
 * const order: string[] = [];
 * await Promise.all([
 *   locks.run(1, async () => { await Promise.resolve(); order.push("1a"); }),
 *   locks.run(1, () => order.push("1b")),
 * ]);
 * console.log(order); // ["1a", "1b"]
 * ```
 */
export class KeyedLock<K> {
  /** For each key in use, the promise that settles when its latest holder so far releases; never rejects. */
  readonly #tails = new Map<K, Promise<void>>();

  /**
   * Runs `fn` once every earlier holder of `key` has released, holding `key` until `fn` settles.
   *
   * @param key What to hold.
   * @param fn The work to do while holding it.
   * @returns What `fn` returns, or its rejection.
   */
  run<T>(key: K, fn: () => T | Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = new Promise<void>((resolve) => release = resolve);
    this.#tails.set(key, tail);
    return previous.then(fn).finally(() => {
      // The last holder forgets the key; a later one found the tail and chained on it already.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
      release();
    });
  }

  /** How many keys are held or waited for. */
  get size(): number {
    return this.#tails.size;
  }
}

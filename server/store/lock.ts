// A first-come, first-served async lock: what keeps the SQLite store's one connection to one transaction at a time.

/**
 * Runs functions one at a time, in the order they were handed in. A holder may await as long as it likes; everyone
 * after it waits. A holder that throws releases the lock all the same.
 *
 * The lock is not re-entrant: a holder that calls {@linkcode AsyncLock.run} again and awaits the result waits for
 * itself forever. The store avoids that by giving the body of a transaction methods that do not take the lock.
 *
 * @example
 * ```ts
 * import { AsyncLock } from "./lock.ts";
 * const lock = new AsyncLock();
 * const order: string[] = [];
 * const slow = lock.run(async () => {
 *   await new Promise((resolve) => setTimeout(resolve, 5));
 *   order.push("slow");
 * });
 * const fast = lock.run(() => order.push("fast"));
 * await Promise.all([slow, fast]);
 * console.log(order); // ["slow", "fast"]
 * ```
 */
export class AsyncLock {
  /** Settles when the latest holder so far releases; never rejects. */
  #tail: Promise<void> = Promise.resolve();

  /**
   * Runs `fn` once every earlier holder has released, holding the lock until `fn` (or the promise it returns)
   * settles.
   *
   * @param fn The work to do under the lock.
   * @returns What `fn` returns, or its rejection.
   */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise((resolve) => release = resolve);
    return previous.then(fn).finally(release);
  }
}

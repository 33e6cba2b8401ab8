// Turns payloads that arrive by event (a WebSocket's messages) into the pull of Duplex.read().

import type { TransportError } from "./duplex.ts";

interface Waiter {
  resolve(payload: Uint8Array | null): void;
  reject(error: TransportError): void;
}

/**
 * The inbound side of an event-driven transport: the transport pushes
 * payloads, then `end()` or `fail()`; readers pull them in order with
 * `read()`, which answers exactly as `Duplex.read()` must. A failure or an end
 * comes after the payloads pushed before it; whatever is pushed after it is
 * dropped. `close()` is this side's own close: queued payloads are dropped and
 * every read resolves `null`, unless a failure was already reported to a
 * reader (then later reads keep reporting it).
 *
 * @example
 * ```ts
 * import { PayloadQueue } from "./payload_queue.ts";
 * const queue = new PayloadQueue();
 * queue.push(new Uint8Array([1]));
 * queue.end();
 * await queue.read(); // Uint8Array [1]
 * await queue.read(); // null
 * ```
 */
export class PayloadQueue {
  #items: Uint8Array[] = [];
  #bytes = 0;
  #end: { error?: TransportError } | undefined;
  /** The end a reader has already seen; it never changes afterwards. */
  #delivered: { error?: TransportError } | undefined;
  readonly #waiters: Waiter[] = [];

  /** Bytes pushed and not yet read, for a transport that pauses its source when readers fall behind. */
  get bufferedBytes(): number {
    return this.#bytes;
  }

  /** Whether `end()`, `fail()` or `close()` has been called. */
  get ended(): boolean {
    return this.#end !== undefined;
  }

  /**
   * Queues one payload, or hands it to a waiting reader.
   *
   * @param payload The payload; kept as is.
   */
  push(payload: Uint8Array): void {
    if (this.#end) return;
    const waiter = this.#waiters.shift();
    if (waiter) return waiter.resolve(payload);
    this.#items.push(payload);
    this.#bytes += payload.length;
  }

  /** The stream ended cleanly: once the queued payloads are read, reads resolve `null`. */
  end(): void {
    if (this.#end) return;
    this.#end = {};
    this.#settleWaiters();
  }

  /**
   * The stream broke: once the queued payloads are read, reads reject with `error`.
   *
   * @param error Why.
   */
  fail(error: TransportError): void {
    if (this.#end) return;
    this.#end = { error };
    this.#settleWaiters();
  }

  /** This side closed: queued payloads are dropped and reads resolve `null`. */
  close(): void {
    this.#items = [];
    this.#bytes = 0;
    if (!this.#delivered) this.#end = {};
    this.#settleWaiters();
  }

  /** The next payload; `null` at the end; rejects with the failure. */
  read(): Promise<Uint8Array | null> {
    if (this.#items.length > 0) {
      const payload = this.#items.shift()!;
      this.#bytes -= payload.length;
      return Promise.resolve(payload);
    }
    if (this.#end) return this.#finish();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  #settleWaiters(): void {
    // Waiters exist only while nothing is queued, so they all get the end.
    for (const waiter of this.#waiters.splice(0)) this.#finish().then(waiter.resolve, waiter.reject);
  }

  #finish(): Promise<null> {
    this.#delivered ??= this.#end;
    const { error } = this.#delivered!;
    return error ? Promise.reject(error) : Promise.resolve(null);
  }
}

// Two duplexes joined in memory: what one writes the other reads. For tests of code that runs over any Duplex.

import type { Duplex } from "./duplex.ts";
import { PayloadQueue } from "./payload_queue.ts";

/**
 * Makes two connected in-memory duplexes. Each payload is copied on write,
 * so a writer may reuse its buffer. Closing one ends the other's reads after
 * what was written before.
 *
 * @returns `[a, b]`: what `a` writes `b` reads, and back.
 *
 * @example
 * ```ts
 * import { duplexPair } from "./pair.ts";
 * const [a, b] = duplexPair();
 * a.write(new Uint8Array([1]));
 * await a.close();
 * await b.read(); // Uint8Array [1]
 * await b.read(); // null
 * ```
 */
export function duplexPair(): [Duplex, Duplex] {
  const toA = new PayloadQueue();
  const toB = new PayloadQueue();
  return [new MemoryDuplex(toA, toB), new MemoryDuplex(toB, toA)];
}

class MemoryDuplex implements Duplex {
  readonly #inbound: PayloadQueue;
  readonly #outbound: PayloadQueue;
  #closed = false;

  constructor(inbound: PayloadQueue, outbound: PayloadQueue) {
    this.#inbound = inbound;
    this.#outbound = outbound;
  }

  read(): Promise<Uint8Array | null> {
    return this.#inbound.read();
  }

  write(payload: Uint8Array): void {
    if (!this.#closed) this.#outbound.push(payload.slice());
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#inbound.close();
      this.#outbound.end();
    }
    return Promise.resolve();
  }
}

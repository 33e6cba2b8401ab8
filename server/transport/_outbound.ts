// Bounded outbound queue: coalesces queued frames into one write and trips when a peer stops reading.

import { joinBytes } from "../../core/bytes/mod.ts";

/** A queue holding at most this much is never dropped for the sake of the shared budget. */
export const FAIR_SHARE_BYTES = 64 * 1024;

/**
 * The bytes queued across all connections, against one limit
 * (`server.limits.outboundTotalBytes`). Each queue's own limit bounds one slow
 * reader; this bounds many of them together.
 */
export class OutboundBudget {
  queued = 0;
  /** @param limit Most bytes queued across every queue that shares this budget. */
  constructor(readonly limit: number) {}
}

/**
 * Queues outgoing bytes for a stream writer that may stall. Every byte queued
 * and not yet written counts against `limitBytes`; going over calls
 * `onOverflow` once and drops the rest, so a peer that stops reading costs at
 * most the limit in memory. With a shared {@link OutboundBudget} over its
 * limit, a queue already holding more than {@link FAIR_SHARE_BYTES} overflows
 * too: the slow readers go, the ones that keep up stay.
 */
export class OutboundQueue {
  #chunks: Uint8Array[] = [];
  #queued = 0;
  #pumping: Promise<void> | undefined;
  #stopped = false;
  readonly #write: (bytes: Uint8Array) => Promise<void>;
  readonly #limitBytes: number;
  readonly #onOverflow: () => void;
  readonly #onError: (error: unknown) => void;
  readonly #budget: OutboundBudget | undefined;

  /**
   * @param write Writes all given bytes or rejects; called one at a time.
   * @param limitBytes Most bytes queued and not yet written.
   * @param onOverflow Called once when the limit is exceeded.
   * @param onError Called once when a write fails (the peer went away).
   * @param budget The budget shared with other queues, if any.
   */
  constructor(
    write: (bytes: Uint8Array) => Promise<void>,
    limitBytes: number,
    onOverflow: () => void,
    onError: (error: unknown) => void,
    budget?: OutboundBudget,
  ) {
    this.#write = write;
    this.#limitBytes = limitBytes;
    this.#onOverflow = onOverflow;
    this.#onError = onError;
    this.#budget = budget;
  }

  /** Bytes queued and not yet written. */
  get queuedBytes(): number {
    return this.#queued;
  }

  /**
   * Queues bytes; starts writing if idle.
   *
   * @param bytes Bytes to send; must not be modified afterwards.
   */
  push(bytes: Uint8Array): void {
    if (this.#stopped) return;
    const budget = this.#budget;
    const queued = this.#queued + bytes.length;
    const overBudget = budget !== undefined && budget.queued + bytes.length > budget.limit &&
      queued > FAIR_SHARE_BYTES;
    if (queued > this.#limitBytes || overBudget) {
      this.stop();
      this.#onOverflow();
      return;
    }
    this.#count(bytes.length);
    this.#chunks.push(bytes);
    this.#pumping ??= this.#pump();
  }

  /** Resolves once everything queued so far is written, or writing has stopped. */
  async drained(): Promise<void> {
    while (this.#pumping) await this.#pumping;
  }

  /** Drops what is queued and accepts nothing more. */
  stop(): void {
    this.#stopped = true;
    // What a write has in flight is given back when the write ends.
    this.#count(-this.#chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    this.#chunks = [];
  }

  #count(bytes: number): void {
    this.#queued += bytes;
    if (this.#budget) this.#budget.queued += bytes;
  }

  async #pump(): Promise<void> {
    try {
      while (this.#chunks.length > 0 && !this.#stopped) {
        const batch = this.#chunks;
        this.#chunks = [];
        // One write per flush: frames queued together leave in one syscall.
        const bytes = batch.length === 1 ? batch[0] : joinBytes(batch);
        try {
          await this.#write(bytes);
        } finally {
          this.#count(-bytes.length);
        }
      }
    } catch (error) {
      this.stop();
      this.#onError(error);
    } finally {
      this.#pumping = undefined;
    }
  }
}

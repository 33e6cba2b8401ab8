// Bounded outbound queue: coalesces queued frames into one write and trips when a peer stops reading.

import { joinBytes } from "../../core/crypto/primitives/bytes.ts";
/**
 * Queues outgoing bytes for a stream writer that may stall. Every byte queued
 * and not yet written counts against `limitBytes`; going over calls
 * `onOverflow` once and drops the rest, so a peer that stops reading costs at
 * most the limit in memory.
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

  /**
   * @param write Writes all given bytes or rejects; called one at a time.
   * @param limitBytes Most bytes queued and not yet written.
   * @param onOverflow Called once when the limit is exceeded.
   * @param onError Called once when a write fails (the peer went away).
   */
  constructor(
    write: (bytes: Uint8Array) => Promise<void>,
    limitBytes: number,
    onOverflow: () => void,
    onError: (error: unknown) => void,
  ) {
    this.#write = write;
    this.#limitBytes = limitBytes;
    this.#onOverflow = onOverflow;
    this.#onError = onError;
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
    this.#queued += bytes.length;
    if (this.#queued > this.#limitBytes) {
      this.stop();
      this.#onOverflow();
      return;
    }
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
    this.#chunks = [];
  }

  async #pump(): Promise<void> {
    try {
      while (this.#chunks.length > 0 && !this.#stopped) {
        const batch = this.#chunks;
        this.#chunks = [];
        // One write per flush: frames queued together leave in one syscall.
        const bytes = batch.length === 1 ? batch[0] : joinBytes(batch);
        await this.#write(bytes);
        this.#queued -= bytes.length;
      }
    } catch (error) {
      this.stop();
      this.#onError(error);
    } finally {
      this.#pumping = undefined;
    }
  }
}

// A latency histogram that generator processes fill and the runner merges: buckets of 0.05 ms up to 2 s, then one
// overflow bucket, so a million deliveries cost a few kilobytes to send and merge.

/** Bucket width in milliseconds. */
const WIDTH_MS = 0.05;
const BUCKETS = 40_000;

/** Counts of latencies (milliseconds) by bucket; mergeable and serialisable as sparse pairs. */
export class Histogram {
  readonly #counts = new Uint32Array(BUCKETS + 1);
  #total = 0;

  /** Adds one latency in milliseconds (negative readings, from clocks a few µs apart, count as 0). */
  add(ms: number): void {
    const bucket = Math.min(BUCKETS, Math.max(0, Math.floor(ms / WIDTH_MS)));
    this.#counts[bucket]++;
    this.#total++;
  }

  /** Adds another histogram's sparse form (from {@link toJSON}). */
  merge(sparse: [number, number][]): void {
    for (const [bucket, count] of sparse) {
      this.#counts[bucket] += count;
      this.#total += count;
    }
  }

  get count(): number {
    return this.#total;
  }

  /**
   * The latency at or below which a fraction `q` of the readings fall, as the upper edge of its bucket.
   *
   * @param q From 0 to 1 (0.99 for p99).
   * @returns Milliseconds, or NaN when empty; Infinity when it falls in the overflow bucket.
   */
  quantile(q: number): number {
    if (this.#total === 0) return NaN;
    const rank = Math.ceil(q * this.#total);
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.#counts[i];
      if (seen >= rank) return i === BUCKETS ? Infinity : (i + 1) * WIDTH_MS;
    }
    return Infinity;
  }

  /** Non-empty buckets as `[bucket, count]` pairs. */
  toJSON(): [number, number][] {
    const sparse: [number, number][] = [];
    for (let i = 0; i <= BUCKETS; i++) if (this.#counts[i] > 0) sparse.push([i, this.#counts[i]]);
    return sparse;
  }
}

/** Width of a {@link Timeline} slot: deliveries are grouped by when they were sent. */
export const TIMELINE_SLOT_MS = 250;

/** Latency by send time: slot (sent at / TIMELINE_SLOT_MS, floored) → [count, sum ms, max ms, count over 50 ms]. */
export type Timeline = Record<number, [number, number, number, number]>;

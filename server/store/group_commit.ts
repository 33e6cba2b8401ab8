// Group commit: writes that arrive in the same tick share one transaction, and each is acknowledged after its commit.

/** How one item of a batch fared: its result, or the error that undid it alone. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * Commits a batch in one transaction: one outcome per item, in order. An item that fails is undone alone (a
 * savepoint) and reported in its outcome; a rejection means the whole batch failed (the commit itself), and every
 * item gets that error.
 */
export type CommitBatch<I, O> = (items: readonly I[]) => Promise<Outcome<O>[]>;

/** Options of {@link GroupCommit}. */
export interface GroupCommitOptions {
  /**
   * Runs the next batch later; by default on a timer of 0 ms, so that the writes of every request that arrived in
   * this turn of the event loop, and of the turns while the previous batch was committing, go together.
   */
  schedule?: (run: () => void) => void;
  /** Most items per transaction (default 1000): a larger queue is committed in several batches, one after another. */
  maxBatch?: number;
  /** Told the size of each batch before it is committed (for tests and statistics). */
  onBatch?: (size: number) => void;
  /**
   * Runs the taking and committing of one batch under a lock (the store's): the batch is taken only once the lock
   * is held, so writes that arrive while it waits for the lock join it instead of waiting for the next one.
   */
  exclusive?: (fn: () => Promise<void>) => Promise<void>;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

const defaultSchedule = (run: () => void) => void setTimeout(run, 0);

/**
 * Collects items and commits them in batches, one batch at a time: items submitted while a batch is committing wait
 * for the next, so the busier the store, the larger the batch and the fewer the commits (each an fsync).
 *
 * @example
 * ```ts
 * import { GroupCommit } from "./group_commit.ts";
 * const sizes: number[] = [];
 * const batcher = new GroupCommit<number, number>(
 *   (items) => Promise.resolve(items.map((n) => ({ ok: true, value: n * 2 }))),
 *   { onBatch: (size) => sizes.push(size) },
 * );
 * const results = await Promise.all([batcher.submit(1), batcher.submit(2), batcher.submit(3)]);
 * // results: [2, 4, 6]; sizes: [3]
 * ```
 */
export class GroupCommit<I, O> {
  readonly #commit: CommitBatch<I, O>;
  readonly #schedule: (run: () => void) => void;
  readonly #maxBatch: number;
  readonly #onBatch: ((size: number) => void) | undefined;
  readonly #exclusive: (fn: () => Promise<void>) => Promise<void>;
  #queue: Pending<I, O>[] = [];
  /** Whether a run is scheduled and has not started yet. */
  #scheduled = false;
  /** The run committing batches now, if any. */
  #running: Promise<void> | undefined;

  /**
   * @param commit Commits one batch.
   * @param options Scheduling, batch size cap, observer, lock.
   * @throws {RangeError} When `maxBatch` is not a whole number from 1.
   */
  constructor(commit: CommitBatch<I, O>, options: GroupCommitOptions = {}) {
    const maxBatch = options.maxBatch ?? 1000;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new RangeError(`maxBatch must be a whole number from 1, not ${maxBatch}`);
    }
    this.#commit = commit;
    this.#schedule = options.schedule ?? defaultSchedule;
    this.#maxBatch = maxBatch;
    this.#onBatch = options.onBatch;
    this.#exclusive = options.exclusive ?? ((fn) => fn());
  }

  /**
   * Queues an item for the next batch.
   *
   * @param item What to write.
   * @returns Its result once its batch has committed; rejects with its own error, or with the batch's.
   */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#scheduled && !this.#running) {
        this.#scheduled = true;
        this.#schedule(() => {
          this.#scheduled = false;
          void this.#run();
        });
      }
    });
  }

  /**
   * Commits what is queued now, without waiting for the scheduled turn, and waits until nothing is queued or
   * committing (before closing the store).
   */
  async flush(): Promise<void> {
    while (this.#running || this.#queue.length > 0) {
      await (this.#running ?? this.#run());
    }
  }

  /** Commits batches until the queue is empty; one run at a time. */
  #run(): Promise<void> {
    if (this.#running) return this.#running;
    // An empty queue returns here: the loop below must reach an await before its finally clears `#running`, or
    // `#running` would be set after it was cleared and never cleared again.
    if (this.#queue.length === 0) return Promise.resolve();
    this.#running = (async () => {
      try {
        while (this.#queue.length > 0) {
          await this.#exclusive(() => this.#commitBatch(this.#queue.splice(0, this.#maxBatch)));
        }
      } finally {
        // In the same turn as the loop's last check of the queue: nothing submitted in between is left behind.
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  async #commitBatch(batch: Pending<I, O>[]): Promise<void> {
    let outcomes: Outcome<O>[];
    try {
      this.#onBatch?.(batch.length);
      outcomes = await this.#commit(batch.map((pending) => pending.item));
      if (outcomes.length !== batch.length) {
        throw new TypeError(`A batch of ${batch.length} was committed with ${outcomes.length} outcomes`);
      }
    } catch (error) {
      // The whole batch failed: nothing of it was committed, and every writer hears why.
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }
}

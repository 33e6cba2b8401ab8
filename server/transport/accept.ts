// The accept loop of both ports: survives running out of descriptors, backs off, and stops exactly once.

/** A running accept loop. */
export interface AcceptLoop {
  readonly addr: Deno.NetAddr;
  /** Stops accepting; safe to call any number of times. Existing connections are left to their owners. */
  close(): void;
  /** Settles when the loop has ended. */
  readonly done: Promise<void>;
}

/** What the loop reports about failed accepts. */
export interface AcceptFailure {
  error: unknown;
  /** Failures since the last success, this one included. */
  failures: number;
  /** How long the loop waits before accepting again. */
  backoffMs: number;
}

/** First and longest wait after a failed accept. */
export const ACCEPT_BACKOFF_MIN_MS = 10;
export const ACCEPT_BACKOFF_MAX_MS = 1000;

/**
 * Accepts connections until closed. A failed accept (most often EMFILE: out
 * of file descriptors) never ends the loop or the process: the loop waits,
 * doubling the wait from {@link ACCEPT_BACKOFF_MIN_MS} to
 * {@link ACCEPT_BACKOFF_MAX_MS}, and tries again; connections already open
 * keep being served meanwhile, and new ones wait in the kernel's backlog (or
 * are refused by it) until descriptors free up. `onFailure` is called for the
 * first failure of a run and then at most once per maximal wait, so a long
 * outage logs a line a second, not a line per attempt.
 *
 * @param listener A bound listener.
 * @param onConnection Takes each accepted connection; must not throw.
 * @param onFailure Told about failed accepts.
 * @returns The loop.
 */
export function acceptLoop<C extends Deno.Conn>(
  listener: Deno.Listener<C>,
  onConnection: (conn: C) => void,
  onFailure: (failure: AcceptFailure) => void,
): AcceptLoop {
  let closing = false;
  const done = (async () => {
    let failures = 0;
    let backoffMs = 0;
    let reportedAt = -Infinity;
    while (!closing) {
      let conn: C;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closing || error instanceof Deno.errors.BadResource) return;
        failures++;
        backoffMs = Math.min(ACCEPT_BACKOFF_MAX_MS, backoffMs === 0 ? ACCEPT_BACKOFF_MIN_MS : backoffMs * 2);
        const now = Date.now();
        if (failures === 1 || now - reportedAt >= ACCEPT_BACKOFF_MAX_MS) {
          reportedAt = now;
          onFailure({ error, failures, backoffMs });
        }
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        continue;
      }
      failures = 0;
      backoffMs = 0;
      onConnection(conn);
    }
  })();
  return {
    addr: listener.addr as Deno.NetAddr,
    close() {
      if (closing) return;
      closing = true;
      try {
        listener.close();
      } catch (error) {
        // Closed already (by the runtime or an earlier close): accepting has stopped either way.
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      }
    },
    done,
  };
}

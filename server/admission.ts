// Admission control: a cap on open connections and a per-address rate of new ones.

/** Outcome of asking to open a connection. */
export type Admission =
  | { ok: true; release: () => void }
  | { ok: false; code: "server_busy" | "rate_limited"; message: string; retryAfterMs?: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Decides whether a new connection may be served. A token bucket per remote
 * host allows `perMinute` connections a minute with bursts of the same size;
 * `maxConnections` caps the total open at once.
 */
export class AdmissionControl {
  #open = 0;
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxConnections: number;
  readonly #perMinute: number;
  readonly #now: () => number;

  /**
   * @param limits The configured caps.
   * @param now Clock in milliseconds; tests pass a fake one.
   */
  constructor(limits: { maxConnections: number; connectionsPerIpPerMinute: number }, now: () => number = Date.now) {
    this.#maxConnections = limits.maxConnections;
    this.#perMinute = limits.connectionsPerIpPerMinute;
    this.#now = now;
  }

  /** Connections admitted and not yet released. */
  get open(): number {
    return this.#open;
  }

  /**
   * Asks to admit a connection from `host`.
   *
   * @param host The remote host (no port).
   * @returns `ok` with a `release` to call once when the connection ends, or the refusal.
   *
   * @example
   * ```ts
   * import { AdmissionControl } from "./admission.ts";
   * const admission = new AdmissionControl({ maxConnections: 1, connectionsPerIpPerMinute: 60 });
   * const first = admission.admit("127.0.0.1"); // { ok: true, release }
   * admission.admit("127.0.0.1"); // { ok: false, code: "server_busy", … }
   * if (first.ok) first.release();
   * ```
   */
  admit(host: string): Admission {
    const now = this.#now();
    const perMs = this.#perMinute / 60_000;
    const bucket = this.#buckets.get(host) ?? { tokens: this.#perMinute, at: now };
    bucket.tokens = Math.min(this.#perMinute, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(host, bucket);
    if (bucket.tokens < 1) {
      const retryAfterMs = Math.ceil((1 - bucket.tokens) / perMs);
      return { ok: false, code: "rate_limited", message: "Too many new connections from this address", retryAfterMs };
    }
    if (this.#open >= this.#maxConnections) {
      return { ok: false, code: "server_busy", message: "The server is at its connection limit" };
    }
    bucket.tokens -= 1;
    this.#open++;
    this.#prune(now);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#open--;
      },
    };
  }

  /** Forgets full buckets now and then, so a scan from many addresses cannot grow the map for ever. */
  #prune(now: number): void {
    if (this.#buckets.size < 4096) return;
    const perMs = this.#perMinute / 60_000;
    for (const [host, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= this.#perMinute) this.#buckets.delete(host);
    }
  }
}

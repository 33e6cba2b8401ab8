// Admission control: every socket on either port holds a slot; caps per address and in total, with room made by
// closing connections that have not logged in (PROTOCOL.md §11).

import { addressKey } from "./address_key.ts";

/**
 * Where a connection is in its life: `http` (a plain HTTP socket), `handshake` (waiting for the ClientHello), `hello`
 * (ClientHello received, handshake not finished), `open` (secured, not logged in), `user` (logged in). Only `user`
 * connections are never closed to make room: the others are cheap for anyone to open, so an attacker's idle sockets
 * must not keep a real user out.
 */
export type Phase = "http" | "handshake" | "hello" | "open" | "user";

/** The phases of an unfinished handshake. */
const HANDSHAKE_PHASES: ReadonlySet<Phase> = new Set(["handshake", "hello"]);

/** Why a connection was not admitted; `code` is the protocol's error code (PROTOCOL.md §6). */
export interface Refusal {
  ok: false;
  code: "server_busy" | "rate_limited" | "too_many_connections";
  message: string;
  retryAfterMs?: number;
}

/** The limits admission enforces (`server.limits.*`). */
export interface AdmissionLimits {
  maxConnections: number;
  maxConnectionsPerIp: number;
  connectionsPerIpPerMinute: number;
  maxHandshakes: number;
  maxHandshakesPerIp: number;
  handshakeUnitsPerIpPerMinute: number;
}

/**
 * Called on the owner of a slot that must make room for a newer connection.
 * The slot is already released when this runs; the owner closes its
 * connection, telling the peer why.
 */
export type Evict = (refusal: Refusal) => void;

/** One admitted socket. */
export class Slot {
  /** The per-address key (IPv4 address or IPv6 /64). */
  readonly key: string;
  #phase: Phase;
  #released = false;
  readonly #control: AdmissionControl;
  /** What the owner does when this connection must make room; the owner sets it as the connection takes shape. */
  onEvict: Evict = () => {};

  /** @internal Created by {@link AdmissionControl.admit}. */
  constructor(control: AdmissionControl, key: string, phase: Phase) {
    this.#control = control;
    this.key = key;
    this.#phase = phase;
  }

  get phase(): Phase {
    return this.#phase;
  }

  get released(): boolean {
    return this.#released;
  }

  /**
   * Moves the slot to `phase`; its age, which decides who makes room first,
   * counts from now. Entering `handshake` may make another connection give
   * way: at the address's or the total cap of unfinished handshakes, the
   * oldest unfinished one is closed.
   *
   * @param phase The new phase.
   */
  setPhase(phase: Phase): void {
    if (this.#released || phase === this.#phase) return;
    if (phase === "handshake") this.#control._makeHandshakeRoom(this.key);
    this.#control._move(this, phase);
    this.#phase = phase;
  }

  /**
   * Records a step forward that keeps the phase (a page request on a keep-alive socket): the connection's age, which
   * decides who makes room first, counts from now.
   */
  touch(): void {
    if (this.#released) return;
    this.#control._move(this, this.#phase);
  }

  /** Frees the slot; later calls do nothing. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#control._remove(this, this.#phase);
  }
}

/** Bucket maps are not pruned below this size. */
const PRUNE_FLOOR = 4096;

interface Bucket {
  tokens: number;
  at: number;
}

/** An ordered set per key; insertion order is age order, so the first entry is the oldest. */
class Groups {
  readonly all = new Set<Slot>();
  readonly #byKey = new Map<string, Set<Slot>>();

  add(slot: Slot): void {
    this.all.add(slot);
    let group = this.#byKey.get(slot.key);
    if (!group) this.#byKey.set(slot.key, group = new Set());
    group.add(slot);
  }

  delete(slot: Slot): void {
    this.all.delete(slot);
    const group = this.#byKey.get(slot.key);
    if (!group) return;
    group.delete(slot);
    if (group.size === 0) this.#byKey.delete(slot.key);
  }

  count(key: string): number {
    return this.#byKey.get(key)?.size ?? 0;
  }

  oldest(key?: string): Slot | undefined {
    const set = key === undefined ? this.all : this.#byKey.get(key);
    return set?.values().next().value;
  }
}

/**
 * Decides whether a new socket may be served, on either port, and which
 * connection gives way when the server or an address is full.
 *
 * - A token bucket per address allows `connectionsPerIpPerMinute` new
 *   connections a minute, in bursts of the same size.
 * - At most `maxConnections` slots in total and `maxConnectionsPerIp` per
 *   address. When full, the oldest connection that is not logged in (of that
 *   address, or of all) is closed to make room; only when every one is logged
 *   in is the newcomer refused.
 * - At most `maxHandshakes` unfinished handshakes in total and
 *   `maxHandshakesPerIp` per address; at either cap the oldest makes room.
 * - Handshake work per address is a token bucket of
 *   `handshakeUnitsPerIpPerMinute` units, charged by {@link chargeHandshake}.
 *
 * Addresses are counted by {@link addressKey}: IPv6 by /64.
 */
export class AdmissionControl {
  #limits: AdmissionLimits;
  readonly #now: () => number;
  readonly #slots = new Groups();
  /**
   * Slots that are not logged in, by the time of their last step forward (accepted, ClientHello, handshake done, page
   * request, logout), oldest first: the ones that make room. A connection that stalls ages; one that progresses, as an
   * honest one does every round trip, stays young.
   */
  readonly #yielding = new Groups();
  readonly #handshaking = new Groups();
  readonly #rate = new Map<string, Bucket>();
  readonly #work = new Map<string, Bucket>();
  #pruneAt = PRUNE_FLOOR;

  /**
   * @param limits The configured caps.
   * @param now Clock in milliseconds; tests pass a fake one.
   */
  constructor(limits: AdmissionLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  /** The total cap in force. */
  get maxConnections(): number {
    return this.#limits.maxConnections;
  }

  /**
   * Lowers (or raises) the total cap, for instance when the process ran out of file descriptors below it. Slots over
   * a lowered cap are not closed at once: each new admission makes room until the count is under it again.
   *
   * @param maxConnections The new cap, at least 1.
   */
  setMaxConnections(maxConnections: number): void {
    this.#limits = { ...this.#limits, maxConnections: Math.max(1, maxConnections) };
  }

  /** Slots held now. */
  get open(): number {
    return this.#slots.all.size;
  }

  /** Addresses with a rate bucket; bounded by pruning. */
  get trackedAddresses(): number {
    return this.#rate.size;
  }

  /** Slots in the handshake phase now. */
  get handshakes(): number {
    return this.#handshaking.all.size;
  }

  /**
   * Asks to admit a socket from `host`.
   *
   * @param host The remote host (no port).
   * @param phase `http` for the HTTP port, `handshake` for the TCP port (which speaks the protocol from its first byte).
   * @returns The slot, to be released once when the socket is closed, or the refusal. Set its `onEvict`.
   *
   * @example
   * ```ts
   * import { AdmissionControl } from "./admission.ts";
   * const admission = new AdmissionControl({
   *   maxConnections: 1, maxConnectionsPerIp: 1, connectionsPerIpPerMinute: 60,
   *   maxHandshakes: 1, maxHandshakesPerIp: 1, handshakeUnitsPerIpPerMinute: 60,
   * });
   * const first = admission.admit("192.0.2.1", "handshake");
   * if (first.ok) first.slot.onEvict = () => console.log("made room");
   * admission.admit("192.0.2.2", "handshake"); // the first is not logged in: it makes room
   * ```
   */
  admit(host: string, phase: "http" | "handshake"): { ok: true; slot: Slot } | Refusal {
    const key = addressKey(host);
    const now = this.#now();
    const bucket = this.#refill(this.#rate, key, this.#limits.connectionsPerIpPerMinute, now);
    if (bucket.tokens < 1) {
      return {
        ok: false,
        code: "rate_limited",
        message: "Too many new connections from this address",
        retryAfterMs: this.#waitMs(bucket, 1, this.#limits.connectionsPerIpPerMinute),
      };
    }
    if (this.#slots.count(key) >= this.#limits.maxConnectionsPerIp) {
      const victim = this.#yielding.oldest(key);
      if (!victim) {
        return {
          ok: false,
          code: "too_many_connections",
          message: `This address already has ${this.#limits.maxConnectionsPerIp} connections open`,
        };
      }
      this.#makeRoom(victim, "This address is at its connection limit");
    }
    // A loop, not one victim: after the cap was lowered, one admission may find several slots over it.
    while (this.#slots.all.size >= this.#limits.maxConnections) {
      const victim = this.#yielding.oldest();
      if (!victim) return { ok: false, code: "server_busy", message: "The server is at its connection limit" };
      this.#makeRoom(victim, "The server is at its connection limit");
    }
    if (phase === "handshake") this._makeHandshakeRoom(key);
    bucket.tokens -= 1;
    const slot = new Slot(this, key, phase);
    this.#slots.add(slot);
    this.#yielding.add(slot);
    if (HANDSHAKE_PHASES.has(phase)) this.#handshaking.add(slot);
    this.#prune(now);
    return { ok: true, slot };
  }

  /**
   * Charges handshake work to the slot's address before the server does it
   * (PROTOCOL.md §8.1 gives each key exchange's cost in units).
   *
   * @param slot The connection's slot.
   * @param units The cost of the chosen key exchange.
   * @returns A refusal when the address has spent its budget.
   */
  chargeHandshake(slot: Slot, units: number): Refusal | undefined {
    const rate = this.#limits.handshakeUnitsPerIpPerMinute;
    const bucket = this.#refill(this.#work, slot.key, rate, this.#now());
    if (bucket.tokens < units) {
      return {
        ok: false,
        code: "rate_limited",
        message: "Too many handshakes from this address",
        retryAfterMs: this.#waitMs(bucket, Math.min(units, rate), rate),
      };
    }
    bucket.tokens -= units;
    return undefined;
  }

  /**
   * @internal Frees room for one more unfinished handshake from `key`: the oldest unfinished handshake of the address
   * (at its cap), or of all (at the total cap), gives way. An honest handshake takes one round trip, so it is the
   * newest that an attacker's slow ones make room for, also behind the same NAT.
   */
  _makeHandshakeRoom(key: string): void {
    if (this.#handshaking.count(key) >= this.#limits.maxHandshakesPerIp) {
      this.#makeRoom(this.#handshaking.oldest(key)!, "This address has too many unfinished handshakes");
    }
    if (this.#handshaking.all.size >= this.#limits.maxHandshakes) {
      this.#makeRoom(this.#handshaking.oldest()!, "The server has too many unfinished handshakes");
    }
  }

  /** @internal Keeps the indexes in step with a phase change or a step forward: the slot goes to the young end. */
  _move(slot: Slot, to: Phase): void {
    this.#handshaking.delete(slot);
    if (HANDSHAKE_PHASES.has(to)) this.#handshaking.add(slot);
    this.#yielding.delete(slot);
    if (to !== "user") this.#yielding.add(slot);
  }

  /** @internal Drops a released slot from every index. */
  _remove(slot: Slot, phase: Phase): void {
    this.#slots.delete(slot);
    this.#yielding.delete(slot);
    if (HANDSHAKE_PHASES.has(phase)) this.#handshaking.delete(slot);
  }

  #makeRoom(victim: Slot, message: string): void {
    victim.release();
    victim.onEvict({ ok: false, code: "server_busy", message: `${message}: connections that are not logged in yield` });
  }

  #refill(map: Map<string, Bucket>, key: string, perMinute: number, now: number): Bucket {
    const bucket = map.get(key) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMinute / 60_000);
    bucket.at = now;
    map.set(key, bucket);
    return bucket;
  }

  #waitMs(bucket: Bucket, needed: number, perMinute: number): number {
    return Math.max(1, Math.ceil((needed - bucket.tokens) * 60_000 / perMinute));
  }

  /**
   * Forgets full buckets (they say nothing a fresh bucket would not), so a scan from many addresses cannot grow the
   * maps for ever. It runs when a map doubles past its size after the last pruning, which keeps it amortised O(1).
   */
  #prune(now: number): void {
    const limits = this.#limits;
    const maps = [[this.#rate, limits.connectionsPerIpPerMinute], [this.#work, limits.handshakeUnitsPerIpPerMinute]];
    for (const [map, perMinute] of maps as [Map<string, Bucket>, number][]) {
      if (map.size < this.#pruneAt) continue;
      for (const [key, bucket] of map) {
        if (bucket.tokens + (now - bucket.at) * perMinute / 60_000 >= perMinute) map.delete(key);
      }
      this.#pruneAt = Math.max(PRUNE_FLOOR, 2 * map.size);
    }
  }
}

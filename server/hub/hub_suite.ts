// The behaviour every Hub must show (the contract in types.ts); each implementation's test file runs this suite.
//
// The connections here record what the hub sends and closes: a hub only calls write() and close(), so a recorder is
// exact. Real sockets are covered in tests/hub_test.ts and tests/accounts_test.ts.

import assert from "node:assert/strict";
import { decodeEnvelope, type Envelope } from "../../core/codec/envelope.ts";
import { PUSHES } from "../../core/protocol/registry.ts";
import { FakeClock } from "../../core/time/clock.ts";
import { createLogger, type Logger, type LogRecord } from "../log.ts";
import { push } from "./push.ts";
import type { Hub, HubConnection, LastSeenWriter } from "./types.ts";

const T0 = 1_700_000_000_000;
const ANN = 1, BOB = 2, CAT = 3, DAN = 4;

/** Tests an implementation leaves out, and why. */
export interface HubSuiteSkip {
  reason: string;
  /** Titles of the tests, as written in this file (without the suite's name prefix). */
  tests: string[];
}

/** What a hub under test is made from. */
export interface HubFactoryOptions {
  /** Drives the hub's time and timers. */
  clock: FakeClock;
  /** The presence grace period. */
  graceMs: number;
  /** Records last-seen writes. */
  lastSeen: LastSeenWriter;
  logger: Logger;
}

/** What {@linkcode runHubSuite} needs. */
export interface HubSuiteOptions {
  /** Prefix of every test name, naming the implementation (e.g. "local"). */
  name: string;
  /** Makes a fresh hub; every test makes its own and closes it afterwards. */
  make: (options: HubFactoryOptions) => Promise<Hub>;
  /** Tests to register as ignored; naming a test that does not exist is an error, so a rename cannot hide one. */
  skip?: HubSuiteSkip[];
}

/** Records what the hub sends and when it closes; every event lands in one shared, ordered list. */
class RecordingConnection implements HubConnection {
  readonly id: number;
  readonly remoteAddress: string;
  readonly sent: Envelope[] = [];
  closedWith: string | undefined;
  readonly #events: string[];

  constructor(id: number, events: string[]) {
    this.id = id;
    this.remoteAddress = `192.0.2.${id}:${40000 + id}`;
    this.#events = events;
  }

  write(payload: Uint8Array): void {
    if (this.closedWith !== undefined) return; // as a connection does: nothing once closing
    const envelope = decodeEnvelope(payload);
    this.sent.push(envelope);
    this.#events.push(`${this.id}:send:${envelope.opcode}`);
  }

  close(reason: string): Promise<void> {
    if (this.closedWith === undefined) {
      this.closedWith = reason;
      this.#events.push(`${this.id}:close:${reason}`);
    }
    return Promise.resolve();
  }

  presence(): unknown[] {
    return this.sent.filter((e) => e.opcode === PUSHES.presence.opcode).map((e) => e.body);
  }
}

/** One test's world: the hub, its clock, what it wrote and logged, and a way to make connections. */
interface Fixture {
  hub: Hub;
  clock: FakeClock;
  lastSeen: Map<number, number>;
  logs: LogRecord[];
  events: string[];
  conn(): RecordingConnection;
  /** A new connection, logged in as Bob and watching Ann: the watcher of most presence tests. */
  bobWatchingAnn(): Promise<RecordingConnection>;
  /** Moves the clock by `ms`, running the timers that fall due, and waits for the work they start. */
  tick(ms: number): Promise<void>;
}

/**
 * Registers `Deno.test`s for delivery, login claims, kicks, presence with its grace period and watching, against hubs
 * made by `make`.
 *
 * @param options `name` (test name prefix), `make` (a fresh hub per test) and `skip` (tests left out, with the reason).
 * @throws {Error} `skip` names a test this suite does not have.
 *
 * @example In an implementation's `*_test.ts` (top level: Deno.test cannot nest, so this is not run as a doc test)
 * ```ts ignore
 * import { runHubSuite } from "./hub_suite.ts";
 * import { LocalHub } from "./local.ts";
 * runHubSuite({ name: "local", make: (options) => Promise.resolve(new LocalHub(options)) });
 * ```
 */
export function runHubSuite(options: HubSuiteOptions): void {
  const { name, make } = options;
  const skipped = new Map<string, string>();
  for (const { reason, tests } of options.skip ?? []) for (const title of tests) skipped.set(title, reason);
  const titles = new Set<string>();

  function test(title: string, graceMs: number, fn: (f: Fixture) => Promise<void>): void {
    titles.add(title);
    const reason = skipped.get(title);
    Deno.test({
      name: reason === undefined ? `${name}: ${title}` : `${name}: ${title} (skipped: ${reason})`,
      ignore: reason !== undefined,
      async fn() {
        const clock = new FakeClock(T0);
        const lastSeen = new Map<number, number>();
        const logs: LogRecord[] = [];
        const events: string[] = [];
        const hub = await make({
          clock,
          graceMs,
          lastSeen: {
            setLastSeen(userId, at) {
              lastSeen.set(userId, at);
              return Promise.resolve();
            },
          },
          logger: createLogger("debug", (record) => logs.push(record)),
        });
        let nextId = 1;
        try {
          await fn({
            hub,
            clock,
            lastSeen,
            logs,
            events,
            conn: () => new RecordingConnection(nextId++, events),
            async bobWatchingAnn() {
              const bob = new RecordingConnection(nextId++, events);
              await hub.claim(BOB, bob, null);
              await hub.watch(bob, [ANN]);
              return bob;
            },
            async tick(ms) {
              clock.tick(ms);
              await hub.idle();
            },
          });
        } finally {
          await hub.close();
        }
      },
    });
  }

  // delivery

  test("deliver() reaches the logged-in connection of every user named, and nobody else", 0, async (f) => {
    const connections = Array.from({ length: 50 }, () => f.conn());
    for (const [i, connection] of connections.entries()) await f.hub.claim(100 + i, connection, null);
    const stranger = f.conn();
    await f.hub.claim(DAN, stranger, null);
    const hello = push(PUSHES.kicked, { at: 1, address: "a", reason: "elsewhere" });
    await f.hub.deliver([...connections.keys()].map((i) => 100 + i), hello);
    await f.hub.idle();
    for (const connection of connections) {
      assert.deepEqual(connection.sent, [{ opcode: hello.opcode, id: 0, body: hello.body }]);
    }
    assert.deepEqual(stranger.sent, []);
  });

  test("deliver() skips users who are not logged in and sends once to a user named twice", 0, async (f) => {
    const bob = f.conn();
    await f.hub.claim(BOB, bob, null);
    await f.hub.deliver([BOB, ANN, BOB], push(PUSHES.ping, { time: 5 }));
    await f.hub.idle();
    assert.equal(bob.sent.length, 1);
  });

  // the one login per account

  test(
    "claim() of a second connection kicks the first with time, address and reason, before closing it",
    1000,
    async (f) => {
      const first = f.conn(), second = f.conn();
      await f.hub.claim(ANN, first, null);
      await f.tick(5000);
      await f.hub.claim(ANN, second, null);
      await f.hub.idle();
      assert.deepEqual(first.sent, [{
        opcode: PUSHES.kicked.opcode,
        id: 0,
        body: { at: T0 + 5000, address: second.remoteAddress, reason: "elsewhere" },
      }]);
      assert.equal(first.closedWith, "kicked");
      assert.deepEqual(
        f.events.filter((e) => e.startsWith(`${first.id}:`)),
        [`${first.id}:send:${PUSHES.kicked.opcode}`, `${first.id}:close:kicked`],
        "kicked is sent before the close",
      );
      assert.deepEqual(second.sent, []);
      const kick = f.logs.find((r) => r.event === "audit" && r.action === "kick");
      assert.deepEqual(kick && { user: kick.user, old: kick.old, new: kick.new }, {
        user: ANN,
        old: first.remoteAddress,
        new: second.remoteAddress,
      });
    },
  );

  test("claim() by a different device kicks the older connection as elsewhere", 1000, async (f) => {
    const phone = f.conn(), laptop = f.conn();
    await f.hub.claim(ANN, phone, 7);
    await f.hub.claim(ANN, laptop, 8);
    await f.hub.idle();
    assert.equal(phone.closedWith, "kicked");
    assert.equal((phone.sent[0]?.body as { reason?: string }).reason, "elsewhere");
  });

  test("claim() by the same device replaces its stale connection silently", 1000, async (f) => {
    const watcher = f.conn();
    await f.hub.claim(BOB, watcher, null);
    await f.hub.watch(watcher, [ANN]);
    const stale = f.conn(), fresh = f.conn();
    await f.hub.claim(ANN, stale, 7);
    await f.hub.claim(ANN, fresh, 7);
    await f.hub.idle();
    assert.deepEqual(stale.sent, [], "no kicked push");
    assert.equal(stale.closedWith, "replaced");
    assert.equal(fresh.closedWith, undefined);
    // The stale connection's close comes later and is released like any other: it holds nothing any more.
    await f.hub.release(stale, "closed");
    await f.tick(5000);
    assert.deepEqual(watcher.presence(), [{ userId: ANN, online: true, lastSeenAt: null }], "online throughout");
    assert.equal(await f.hub.isOnline(ANN), true);
  });

  test("a kicked connection's later release changes no presence", 1000, async (f) => {
    const watcher = f.conn();
    await f.hub.claim(BOB, watcher, null);
    await f.hub.watch(watcher, [ANN]);
    const first = f.conn(), second = f.conn();
    await f.hub.claim(ANN, first, null);
    await f.hub.claim(ANN, second, null);
    await f.hub.release(first, "closed");
    await f.tick(5000);
    assert.deepEqual(watcher.presence(), [{ userId: ANN, online: true, lastSeenAt: null }]);
    assert.equal(await f.hub.isOnline(ANN), true);
  });

  test("kick() ends the login of that device with the reason, and leaves other devices alone", 1000, async (f) => {
    const phone = f.conn();
    await f.hub.claim(ANN, phone, 7);
    assert.equal(await f.hub.kick(ANN, 8, "revoked", "198.51.100.1:5000"), false, "another device");
    assert.equal(await f.hub.kick(BOB, 7, "revoked", "198.51.100.1:5000"), false, "another user");
    assert.deepEqual(phone.sent, []);
    await f.tick(42);
    assert.equal(await f.hub.kick(ANN, 7, "revoked", "198.51.100.1:5000"), true);
    await f.hub.idle();
    assert.deepEqual(phone.sent, [{
      opcode: PUSHES.kicked.opcode,
      id: 0,
      body: { at: T0 + 42, address: "198.51.100.1:5000", reason: "revoked" },
    }]);
    assert.equal(phone.closedWith, "kicked");
  });

  // presence

  test("claim() pushes online to the connections that watch the user, and to nobody else", 1000, async (f) => {
    const bob = f.conn(), cat = f.conn(), dan = f.conn();
    await f.hub.claim(BOB, bob, null);
    await f.hub.claim(CAT, cat, null);
    await f.hub.claim(DAN, dan, null);
    await f.hub.watch(bob, [ANN]);
    await f.hub.watch(cat, [ANN, DAN]);
    await f.hub.claim(ANN, f.conn(), null);
    await f.hub.idle();
    const online = { userId: ANN, online: true, lastSeenAt: null };
    assert.deepEqual(bob.presence(), [online]);
    assert.deepEqual(cat.presence(), [online]);
    assert.deepEqual(dan.sent, [], "an unwatched user's change reaches nobody who does not watch");
    assert.equal(await f.hub.isOnline(ANN), true);
  });

  test("release('logout') pushes offline at once and writes the last-seen time first", 60_000, async (f) => {
    const bob = await f.bobWatchingAnn(), ann = f.conn();
    await f.hub.claim(ANN, ann, null);
    await f.tick(42);
    await f.hub.release(ann, "logout");
    assert.deepEqual(bob.presence().at(-1), { userId: ANN, online: false, lastSeenAt: T0 + 42 });
    assert.equal(f.lastSeen.get(ANN), T0 + 42);
    assert.equal(await f.hub.isOnline(ANN), false);
    assert.equal(ann.closedWith, undefined, "logout leaves the connection open");
    await f.hub.release(ann, "closed");
    await f.tick(120_000);
    assert.equal(bob.presence().length, 2, "the later close of a logged-out connection changes nothing");
  });

  test("release('closed') keeps the user online for the grace period, then pushes offline", 800, async (f) => {
    const bob = await f.bobWatchingAnn(), ann = f.conn();
    await f.hub.claim(ANN, ann, null);
    await f.hub.release(ann, "closed");
    await f.hub.idle();
    assert.equal(await f.hub.isOnline(ANN), true, "within the grace period");
    await f.tick(799);
    assert.equal(bob.presence().length, 1, "no offline push before the grace period ends");
    assert.equal(f.lastSeen.has(ANN), false);
    await f.tick(1);
    assert.deepEqual(bob.presence().at(-1), { userId: ANN, online: false, lastSeenAt: T0 + 800 });
    assert.equal(f.lastSeen.get(ANN), T0 + 800);
    assert.equal(await f.hub.isOnline(ANN), false);
  });

  test("onlineCount() counts each user logged in or within the grace period once", 100, async (f) => {
    assert.equal(await f.hub.onlineCount(), 0);
    const ann = f.conn(), again = f.conn(), bob = f.conn(), cat = f.conn();
    await f.hub.claim(ANN, ann, null);
    await f.hub.claim(BOB, bob, null);
    await f.hub.claim(ANN, again, null);
    assert.equal(await f.hub.onlineCount(), 2, "a second login of one account is one user");
    await f.hub.claim(CAT, cat, null);
    await f.hub.release(cat, "closed");
    assert.equal(await f.hub.onlineCount(), 3, "within the grace period");
    await f.hub.release(bob, "logout");
    assert.equal(await f.hub.onlineCount(), 2);
    await f.tick(100);
    assert.equal(await f.hub.onlineCount(), 1, "the grace period is over");
    await f.hub.release(ann, "closed");
    assert.equal(await f.hub.onlineCount(), 1, "the kicked connection held no login");
  });

  test("a claim within the grace period cancels the offline push and pushes nothing", 80, async (f) => {
    const bob = await f.bobWatchingAnn();
    const before = f.conn(), after = f.conn();
    await f.hub.claim(ANN, before, null);
    await f.hub.release(before, "closed");
    await f.tick(79);
    await f.hub.claim(ANN, after, null);
    await f.tick(10_000);
    assert.equal(bob.presence().length, 1, "the reconnect shows no change");
    assert.equal(await f.hub.isOnline(ANN), true);
    assert.equal(f.lastSeen.has(ANN), false);
    assert.deepEqual(before.sent, [], "the closed connection is not kicked");
  });

  test("with a grace period of 0 a closed connection goes offline at once", 0, async (f) => {
    const bob = await f.bobWatchingAnn(), ann = f.conn();
    await f.hub.claim(ANN, ann, null);
    await f.hub.release(ann, "closed");
    await f.hub.idle();
    assert.deepEqual(bob.presence().at(-1), { userId: ANN, online: false, lastSeenAt: T0 });
  });

  test("release() of a connection that never logged in changes nothing", 0, async (f) => {
    const bob = await f.bobWatchingAnn();
    await f.hub.release(f.conn(), "closed");
    await f.hub.release(f.conn(), "logout");
    await f.hub.idle();
    assert.deepEqual(bob.sent, []);
  });

  test("an offline change overtaken by a new claim is not pushed, so watchers end up seeing online", 0, async (f) => {
    const bob = await f.bobWatchingAnn();
    const first = f.conn(), second = f.conn();
    await f.hub.claim(ANN, first, null);
    // The close's offline work is still writing the last-seen time when ann logs in again.
    const released = f.hub.release(first, "closed");
    await f.hub.claim(ANN, second, null);
    await released;
    await f.hub.idle();
    assert.deepEqual(bob.presence().at(-1), { userId: ANN, online: true, lastSeenAt: null });
    assert.ok(
      !bob.presence().some((p) => (p as { online: boolean }).online === false),
      "no offline after she was back",
    );
    assert.equal(await f.hub.isOnline(ANN), true);
  });

  // watching

  test("watch() replaces the watched set: changes of users no longer watched are not pushed", 0, async (f) => {
    const bob = await f.bobWatchingAnn();
    await f.hub.watch(bob, [CAT]);
    await f.hub.claim(ANN, f.conn(), null);
    await f.hub.claim(CAT, f.conn(), null);
    await f.hub.idle();
    assert.deepEqual(bob.presence(), [{ userId: CAT, online: true, lastSeenAt: null }]);
    await f.hub.watch(bob, []);
    const dan = f.conn();
    await f.hub.claim(DAN, dan, null);
    await f.hub.release(dan, "logout");
    await f.hub.idle();
    assert.equal(bob.presence().length, 1, "watching nobody hears nothing");
  });

  test(
    "unwatchPair() stops each of the two hearing the other, in either order, and keeps what else they watch",
    0,
    async (f) => {
      const [ann, bob] = [f.conn(), f.conn()];
      await f.hub.claim(ANN, ann, null);
      await f.hub.claim(BOB, bob, null);
      await f.hub.watch(ann, [BOB, CAT]);
      await f.hub.unwatchPair(ANN, BOB);
      await f.hub.release(bob, "logout");
      await f.hub.claim(CAT, f.conn(), null);
      await f.hub.idle();
      assert.deepEqual(ann.presence(), [{ userId: CAT, online: true, lastSeenAt: null }], "Bob's change is not heard");

      const [watcher, watched] = [f.conn(), f.conn()];
      await f.hub.claim(200, watcher, null);
      await f.hub.claim(201, watched, null);
      await f.hub.watch(watcher, [201]);
      await f.hub.unwatchPair(201, 200);
      await f.hub.release(watched, "logout");
      await f.hub.idle();
      assert.deepEqual(watcher.presence(), []);
    },
  );

  test("several connections watching one user each get its change", 0, async (f) => {
    const watchers = Array.from({ length: 20 }, () => f.conn());
    for (const [i, watcher] of watchers.entries()) {
      await f.hub.claim(100 + i, watcher, null);
      await f.hub.watch(watcher, [ANN]);
    }
    await f.hub.claim(ANN, f.conn(), null);
    await f.hub.idle();
    for (const watcher of watchers) {
      assert.deepEqual(watcher.presence(), [{ userId: ANN, online: true, lastSeenAt: null }]);
    }
  });

  test("a connection that logs out or is kicked stops hearing what it watched", 0, async (f) => {
    const bob = await f.bobWatchingAnn();
    await f.hub.release(bob, "logout");
    const bobAgain = f.conn();
    await f.hub.claim(BOB, bobAgain, null);
    await f.hub.watch(bobAgain, [ANN]);
    await f.hub.claim(BOB, f.conn(), null); // kicks bobAgain
    await f.hub.claim(ANN, f.conn(), null);
    await f.hub.idle();
    assert.deepEqual(bob.presence(), [], "logged out: the watched set is forgotten");
    assert.deepEqual(bobAgain.presence(), [], "kicked: the watched set is forgotten");
  });

  test("watch() by a connection without a login is ignored", 0, async (f) => {
    const anonymous = f.conn();
    await f.hub.watch(anonymous, [ANN]);
    await f.hub.claim(ANN, f.conn(), null);
    await f.hub.idle();
    assert.deepEqual(anonymous.sent, []);
  });

  // shutdown

  test("close() cancels grace timers and writes the last-seen time of everyone still online", 50, async (f) => {
    const bob = await f.bobWatchingAnn(), ann = f.conn();
    await f.hub.claim(ANN, ann, null);
    await f.hub.release(ann, "closed");
    await f.tick(9);
    await f.hub.close();
    assert.equal(f.lastSeen.get(ANN), T0 + 9, "in the grace period");
    assert.equal(f.lastSeen.get(BOB), T0 + 9, "logged in");
    assert.equal(f.clock.pending, 0, "no timer is left");
    await f.tick(10_000);
    assert.equal(bob.presence().length, 1, "the cancelled timer pushes nothing");
  });

  for (const title of skipped.keys()) {
    if (!titles.has(title)) throw new Error(`runHubSuite: skip names a test that does not exist: ${title}`);
  }
}

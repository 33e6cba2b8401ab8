// Sessions against a real in-memory SQLite store: one login per account, the kick, presence and its grace period.
//
// The connections here are fakes implementing server/transport/connection.ts: Sessions only calls send() and close(),
// so a fake that records those is exact; the real transports are covered over sockets in tests/accounts_test.ts.

import assert from "node:assert/strict";
import { decodeEnvelope, type Envelope } from "../../../core/codec/envelope.ts";
import { Op } from "../../../core/protocol/opcodes.ts";
import { createLogger, type LogRecord } from "../../log.ts";
import { openSqliteStore } from "../../store/sqlite.ts";
import type { Store } from "../../store/types.ts";
import type { CloseInfo, Connection } from "../../transport/connection.ts";
import { Sessions } from "./sessions.ts";
import { FakeClock } from "../../../core/time/clock.ts";

const T0 = 1_700_000_000_000;

/** Records what Sessions sends and when it closes; every event lands in one shared, ordered list. */
class FakeConnection implements Connection {
  static #nextId = 1;
  readonly id = FakeConnection.#nextId++;
  readonly transport = "tcp" as const;
  readonly remoteAddress: string;
  readonly remoteHost: string;
  readonly sent: Envelope[] = [];
  closedWith: string | undefined;
  readonly closed: Promise<CloseInfo>;
  #resolveClosed!: (info: CloseInfo) => void;
  readonly #events: string[];

  constructor(events: string[], port: number) {
    this.#events = events;
    this.remoteHost = "192.0.2.1";
    this.remoteAddress = `192.0.2.1:${port}`;
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
  }

  async *frames(): AsyncIterable<Uint8Array> {}

  send(payload: Uint8Array): void {
    if (this.closedWith !== undefined) return; // as the interface says: nothing once closing
    const envelope = decodeEnvelope(payload);
    this.sent.push(envelope);
    this.#events.push(`${this.id}:send:${envelope.opcode}`);
  }

  close(reason: string): Promise<void> {
    if (this.closedWith === undefined) {
      this.closedWith = reason;
      this.#events.push(`${this.id}:close:${reason}`);
      this.#resolveClosed({ reason });
    }
    return Promise.resolve();
  }

  presence(): unknown[] {
    return this.sent.filter((e) => e.opcode === Op.presence).map((e) => e.body);
  }
}

interface Fixture {
  store: Store;
  sessions: Sessions;
  clock: FakeClock;
  logs: LogRecord[];
  events: string[];
  /** ann, her friend bob, cat who shares a room with her, and dan who knows nobody. */
  ann: number;
  bob: number;
  cat: number;
  dan: number;
  conn(): FakeConnection;
}

async function fixture(graceMs: number): Promise<Fixture> {
  const store = openSqliteStore(":memory:");
  const clock = new FakeClock(T0);
  const logs: LogRecord[] = [];
  const events: string[] = [];
  const sessions = new Sessions({
    store,
    logger: createLogger("debug", (record) => logs.push(record)),
    graceMs,
    clock,
  });
  const [ann, bob, cat, dan] = await Promise.all(
    ["ann", "bob", "cat", "dan"].map(async (key) =>
      (await store.users.create({
        username: key,
        usernameKey: key,
        nickname: key,
        registrationRecord: new Uint8Array([1]),
        createdAt: T0,
      })).id
    ),
  );
  await store.friends.addFriendship(ann, bob, T0);
  const room = await store.rooms.createRoom("读书会", "group", ann, T0);
  await store.rooms.addMember(room.id, ann, "owner", T0);
  await store.rooms.addMember(room.id, cat, "member", T0);
  let port = 40000;
  return { store, sessions, clock, logs, events, ann, bob, cat, dan, conn: () => new FakeConnection(events, port++) };
}

/** Runs `fn` on a fresh fixture and releases the store and timers whatever happens. */
async function withSessions(graceMs: number, fn: (f: Fixture) => void | Promise<void>): Promise<void> {
  const f = await fixture(graceMs);
  try {
    await fn(f);
  } finally {
    await f.sessions.close();
    await f.store.close();
  }
}

/** Moves the fake clock to `at` (milliseconds since the epoch), running the timers that fall due and their work. */
async function advanceTo(f: Fixture, at: number): Promise<void> {
  f.clock.tick(at - f.clock.now());
  await f.sessions.idle();
}

/** Reports the connection's end, as the server does, and waits for the presence work that follows. */
async function drop(f: Fixture, connection: Connection): Promise<void> {
  f.sessions.dropped(connection);
  await f.sessions.idle();
}

Deno.test("Sessions.attach pushes online presence to logged-in friends and room co-members only", () =>
  withSessions(1000, async (f) => {
    const bob = f.conn(), cat = f.conn(), dan = f.conn();
    await f.sessions.attach(f.bob, bob);
    await f.sessions.attach(f.cat, cat);
    await f.sessions.attach(f.dan, dan);
    assert.deepEqual([bob, cat, dan].map((c) => c.sent.length), [0, 0, 0], "ann is offline: nobody hears of bob");
    await f.sessions.attach(f.ann, f.conn());
    const online = { userId: f.ann, online: true, lastSeenAt: null };
    assert.deepEqual(bob.presence(), [online]);
    assert.deepEqual(cat.presence(), [online]);
    assert.deepEqual(dan.sent, [], "a stranger hears nothing");
    assert.equal(f.sessions.isOnline(f.ann), true);
  }));

Deno.test("Sessions.attach of a second connection kicks the first with time and address, and presence stays", () =>
  withSessions(1000, async (f) => {
    const bob = f.conn();
    await f.sessions.attach(f.bob, bob);
    const first = f.conn(), second = f.conn();
    await f.sessions.attach(f.ann, first);
    await advanceTo(f, T0 + 5000);
    await f.sessions.attach(f.ann, second);
    assert.deepEqual(first.sent, [{
      opcode: Op.kicked,
      id: 0,
      body: { at: T0 + 5000, address: second.remoteAddress },
    }]);
    assert.equal(first.closedWith, "kicked");
    assert.deepEqual(
      f.events.filter((e) => e.startsWith(`${first.id}:`)),
      [`${first.id}:send:${Op.kicked}`, `${first.id}:close:kicked`],
      "kicked is sent before the close",
    );
    assert.equal(f.sessions.userOf(first), undefined);
    assert.equal(f.sessions.userOf(second), f.ann);
    assert.equal(f.sessions.connectionOf(f.ann), second);
    // The kicked connection's end arrives later, as the server reports every closed connection.
    await drop(f, first);
    assert.equal(bob.presence().length, 1, "only the first login's online push, nothing for the kick");
    assert.equal(f.sessions.isOnline(f.ann), true);
    const kick = f.logs.find((r) => r.event === "audit" && r.action === "kick");
    assert.deepEqual(kick && { user: kick.user, old: kick.old, new: kick.new }, {
      user: f.ann,
      old: first.remoteAddress,
      new: second.remoteAddress,
    });
  }));

Deno.test("Sessions.logout pushes offline at once and stores lastSeenAt", () =>
  withSessions(60_000, async (f) => {
    const bob = f.conn(), ann = f.conn();
    await f.sessions.attach(f.bob, bob);
    await f.sessions.attach(f.ann, ann);
    await advanceTo(f, T0 + 42);
    await f.sessions.logout(ann);
    assert.deepEqual(bob.presence().at(-1), { userId: f.ann, online: false, lastSeenAt: T0 + 42 });
    assert.equal((await f.store.users.findById(f.ann))!.lastSeenAt, T0 + 42);
    assert.equal(f.sessions.isOnline(f.ann), false);
    assert.equal(f.sessions.userOf(ann), undefined);
    assert.equal(ann.closedWith, undefined, "logout leaves the connection open");
    await drop(f, ann);
    assert.equal(bob.presence().length, 2, "the later end of a logged-out connection changes nothing");
  }));

Deno.test("Sessions.dropped keeps the user online for the grace period, then pushes offline", () =>
  withSessions(800, async (f) => {
    const bob = f.conn(), ann = f.conn();
    await f.sessions.attach(f.bob, bob);
    await f.sessions.attach(f.ann, ann);
    await drop(f, ann);
    assert.equal(f.sessions.isOnline(f.ann), true, "within the grace period");
    await advanceTo(f, T0 + 799);
    assert.equal(bob.presence().length, 1, "no offline push before the grace period ends");
    assert.equal(f.sessions.isOnline(f.ann), true);
    await advanceTo(f, T0 + 800);
    assert.deepEqual(bob.presence().at(-1), { userId: f.ann, online: false, lastSeenAt: T0 + 800 });
    assert.equal((await f.store.users.findById(f.ann))!.lastSeenAt, T0 + 800);
    assert.equal(f.sessions.isOnline(f.ann), false);
  }));

Deno.test("Sessions.attach within the grace period cancels the offline push and pushes nothing", () =>
  withSessions(80, async (f) => {
    const bob = f.conn();
    await f.sessions.attach(f.bob, bob);
    const before = f.conn(), after = f.conn();
    await f.sessions.attach(f.ann, before);
    await drop(f, before);
    await advanceTo(f, T0 + 79);
    await f.sessions.attach(f.ann, after);
    await advanceTo(f, T0 + 10_000);
    assert.equal(bob.presence().length, 1, "the reconnect shows no change");
    assert.equal(f.sessions.isOnline(f.ann), true);
    assert.equal((await f.store.users.findById(f.ann))!.lastSeenAt, null);
    assert.deepEqual(before.sent, [], "the dropped connection is not kicked");
  }));

Deno.test("Sessions with graceMs 0 pushes offline as soon as a connection drops", () =>
  withSessions(0, async (f) => {
    const bob = f.conn(), ann = f.conn();
    await f.sessions.attach(f.bob, bob);
    await f.sessions.attach(f.ann, ann);
    await drop(f, ann);
    assert.deepEqual(bob.presence().at(-1), { userId: f.ann, online: false, lastSeenAt: T0 });
  }));

Deno.test("Sessions.dropped of a connection that never logged in changes nothing", () =>
  withSessions(0, async (f) => {
    const bob = f.conn();
    await f.sessions.attach(f.bob, bob);
    f.sessions.dropped(f.conn());
    await f.sessions.logout(f.conn());
    assert.deepEqual(bob.sent, []);
  }));

Deno.test("Sessions.pushToContacts reaches logged-in friends and room co-members, not strangers", () =>
  withSessions(0, async (f) => {
    const bob = f.conn(), cat = f.conn(), dan = f.conn();
    for (const [user, conn] of [[f.bob, bob], [f.cat, cat], [f.dan, dan]] as const) await f.sessions.attach(user, conn);
    await f.sessions.pushToContacts(f.ann, 0x7777, { hello: "世界" });
    for (const conn of [bob, cat]) assert.deepEqual(conn.sent, [{ opcode: 0x7777, id: 0, body: { hello: "世界" } }]);
    assert.deepEqual(dan.sent, []);
  }));

Deno.test("Sessions.close cancels grace timers and stores lastSeenAt for everyone still online", async () => {
  const f = await fixture(50);
  try {
    const bob = f.conn(), ann = f.conn();
    await f.sessions.attach(f.bob, bob);
    await f.sessions.attach(f.ann, ann);
    await drop(f, ann);
    await advanceTo(f, T0 + 9);
    await f.sessions.close();
    assert.equal((await f.store.users.findById(f.ann))!.lastSeenAt, T0 + 9, "in the grace period");
    assert.equal((await f.store.users.findById(f.bob))!.lastSeenAt, T0 + 9, "logged in");
    assert.equal(f.clock.pending, 0, "no timer is left");
    await advanceTo(f, T0 + 10_000);
    assert.equal(bob.presence().length, 1, "the cancelled timer pushes nothing");
  } finally {
    await f.store.close();
  }
});

Deno.test("Sessions: an offline push overtaken by a new login is not sent, so contacts end up seeing online", () =>
  withSessions(0, async (f) => {
    const bob = f.conn();
    await f.sessions.attach(f.bob, bob);
    const first = f.conn(), second = f.conn();
    await f.sessions.attach(f.ann, first);
    // The drop's offline work is still waiting for the store when ann logs in again.
    f.sessions.dropped(first);
    await f.sessions.attach(f.ann, second);
    await f.sessions.idle();
    assert.deepEqual(bob.presence().at(-1), { userId: f.ann, online: true, lastSeenAt: null });
    assert.ok(
      !bob.presence().some((p) => (p as { online: boolean }).online === false),
      "no offline push after she was back",
    );
    assert.equal(f.sessions.isOnline(f.ann), true);
  }));

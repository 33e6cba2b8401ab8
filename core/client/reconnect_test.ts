import assert from "node:assert/strict";
import { FakeClock } from "../time/clock.ts";
import { Backoff } from "./backoff.ts";
import { type ConnectionStatus, type Kick, Reconnector, type Session, type SessionEnd } from "./reconnect.ts";

/** A session whose end the test decides. */
interface FakeSession extends Session {
  end(how: SessionEnd): void;
}

function fakeSession(): FakeSession {
  let end!: (how: SessionEnd) => void;
  const closed = new Promise<SessionEnd>((resolve) => end = resolve);
  return { closed, end };
}

/** One call of `open`, which the test answers. */
interface Attempt {
  signal: AbortSignal;
  succeed(): FakeSession;
  fail(error: unknown): void;
}

/** An `open` function recording its calls, and a reconnector around it on a fake clock. */
function setUp(options: { random?: () => number; isFatal?: (error: Error) => boolean; signal?: AbortSignal } = {}) {
  const clock = new FakeClock(0);
  const attempts: Attempt[] = [];
  const open = (signal: AbortSignal) =>
    new Promise<FakeSession>((resolve, reject) => {
      attempts.push({
        signal,
        succeed() {
          const session = fakeSession();
          resolve(session);
          return session;
        },
        fail: reject,
      });
    });
  const connection = new Reconnector({
    open,
    clock,
    backoff: new Backoff({ baseMs: 1000, capMs: 8000, random: options.random ?? (() => 0.5) }),
    isFatal: options.isFatal,
    signal: options.signal,
  });
  const statuses: ConnectionStatus[] = [];
  connection.on("status", (status) => statuses.push(status));
  /** Resolves once the status is in `state` (at once if it already is). */
  const reach = (state: ConnectionStatus["state"]) =>
    new Promise<ConnectionStatus>((resolve) => {
      if (connection.status.state === state) return resolve(connection.status);
      const off = connection.on("status", (status) => {
        if (status.state !== state) return;
        off();
        resolve(status);
      });
    });
  return { clock, attempts, connection, statuses, reach };
}

const kick: Kick = { at: 123, address: "10.0.0.9:4000", reason: "elsewhere" };

Deno.test("Reconnector connects at once and reports open", async () => {
  const { attempts, connection, reach, statuses } = setUp();
  assert.equal(connection.status.state, "connecting");
  assert.equal(attempts.length, 1);
  const session = attempts[0].succeed();
  await reach("open");
  assert.equal(connection.session, session);
  assert.deepEqual(statuses, [{ state: "open" }]);
  connection.close();
});

Deno.test("Reconnector announces each new session with an open event", async () => {
  const { attempts, connection, reach } = setUp();
  const opened: Session[] = [];
  connection.on("open", (session) => opened.push(session));
  const session = attempts[0].succeed();
  await reach("open");
  assert.deepEqual(opened, [session]);
  connection.close();
});

Deno.test("Reconnector waits longer after each failed attempt, up to the cap", async () => {
  const { clock, attempts, connection, reach } = setUp({ random: () => 0.5 });
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    const error = new Error(`refused ${i}`);
    attempts[i].fail(error);
    const status = await reach("retrying");
    assert.ok(status.state === "retrying");
    assert.equal(status.attempt, i + 1);
    assert.equal(status.error, error);
    const wait = status.retryAt - clock.now();
    waits.push(wait);
    clock.tick(wait - 1);
    assert.equal(attempts.length, i + 1, "no attempt before retryAt");
    clock.tick(1);
    assert.equal(attempts.length, i + 2, "the next attempt starts at retryAt");
    assert.equal(connection.status.state, "connecting");
  }
  // Ceilings 1000, 2000, 4000, 8000, then the 8000 cap; random 0.5 waits half of each.
  assert.deepEqual(waits, [500, 1000, 2000, 4000, 4000, 4000]);
  connection.close();
});

Deno.test("Reconnector keeps each wait within [0, ceiling) whatever the jitter draws", async () => {
  const draws = [0, 0.999_999, 0.25, 0.75, 0.999_999, 0];
  let next = 0;
  const { clock, attempts, connection, reach } = setUp({ random: () => draws[next++] });
  const ceilings = [1000, 2000, 4000, 8000, 8000, 8000];
  for (let i = 0; i < ceilings.length; i++) {
    attempts[i].fail(new Error("refused"));
    const status = await reach("retrying");
    assert.ok(status.state === "retrying");
    const wait = status.retryAt - clock.now();
    assert.ok(wait >= 0 && wait < ceilings[i], `attempt ${i + 1}: wait ${wait} outside [0, ${ceilings[i]})`);
    assert.equal(wait, Math.floor(draws[i] * ceilings[i]));
    clock.tick(wait);
  }
  connection.close();
});

Deno.test("Reconnector starts the back-off over after a successful connection", async () => {
  const { clock, attempts, connection, reach } = setUp({ random: () => 0.5 });
  attempts[0].fail(new Error("refused"));
  await reach("retrying");
  clock.tick(500);
  attempts[1].fail(new Error("refused"));
  const second = await reach("retrying");
  assert.ok(second.state === "retrying" && second.attempt === 2);
  clock.tick(1000);
  const session = attempts[2].succeed();
  await reach("open");
  const lost = new Error("connection reset");
  session.end({ error: lost });
  const after = await reach("retrying");
  assert.deepEqual(after, { state: "retrying", attempt: 1, retryAt: clock.now() + 500, error: lost });
  assert.equal(connection.session, undefined);
  connection.close();
});

Deno.test("Reconnector reconnects after a clean end too", async () => {
  const { clock, attempts, connection, reach } = setUp();
  attempts[0].succeed().end({});
  const status = await reach("retrying");
  assert.deepEqual(status, { state: "retrying", attempt: 1, retryAt: clock.now() + 500 });
  connection.close();
});

Deno.test("Reconnector never reconnects after a kick", async () => {
  const { clock, attempts, connection, reach, statuses } = setUp();
  attempts[0].succeed().end({ kicked: kick, error: new Error("closed by server") });
  const status = await reach("kicked");
  assert.deepEqual(status, { state: "kicked", ...kick });
  assert.equal(clock.pending, 0, "no retry is scheduled");
  clock.tick(10 * 60_000);
  assert.equal(attempts.length, 1);
  assert.equal(connection.retryNow(), false);
  connection.close();
  assert.deepEqual(statuses.map((s) => s.state), ["open", "kicked"], "close() after a kick changes nothing");
});

Deno.test("Reconnector waits in idle after an idle end, until retryNow() connects again", async () => {
  const { clock, attempts, connection, reach, statuses } = setUp();
  attempts[0].succeed().end({ idle: true, error: new Error("login_timeout") });
  assert.deepEqual(await reach("idle"), { state: "idle" });
  assert.equal(clock.pending, 0, "no retry is scheduled");
  clock.tick(10 * 60_000);
  assert.equal(attempts.length, 1, "nothing happens until asked");
  assert.equal(connection.retryNow(), true);
  assert.equal(connection.status.state, "connecting");
  attempts[1].succeed();
  await reach("open");
  assert.deepEqual(statuses.map((s) => s.state), ["open", "idle", "connecting", "open"]);
  connection.close();
});

Deno.test("Reconnector stops when the signal aborts during the wait", async () => {
  const controller = new AbortController();
  const { clock, attempts, connection, reach } = setUp({ signal: controller.signal });
  attempts[0].fail(new Error("refused"));
  await reach("retrying");
  controller.abort();
  assert.deepEqual(connection.status, { state: "closed" });
  assert.equal(clock.pending, 0, "the retry timer is cleared");
  clock.tick(60_000);
  assert.equal(attempts.length, 1);
});

Deno.test("Reconnector aborts the attempt in progress on close() and ignores its late result", async () => {
  const { attempts, connection, statuses } = setUp();
  connection.close();
  assert.equal(attempts[0].signal.aborted, true);
  attempts[0].succeed();
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(statuses, [{ state: "closed" }]);
  assert.equal(connection.session, undefined);
});

Deno.test("Reconnector aborts the open session's signal on close() and ignores how it ends", async () => {
  const { attempts, connection, reach, statuses } = setUp();
  const session = attempts[0].succeed();
  await reach("open");
  connection.close();
  assert.equal(attempts[0].signal.aborted, true, "the session is told to close");
  session.end({ error: new Error("closed") });
  await session.closed;
  await Promise.resolve();
  assert.deepEqual(statuses, [{ state: "open" }, { state: "closed" }]);
});

Deno.test("Reconnector does not start when the signal is already aborted", () => {
  const { attempts, connection } = setUp({ signal: AbortSignal.abort() });
  assert.deepEqual(connection.status, { state: "closed" });
  assert.equal(attempts.length, 0);
});

Deno.test("Reconnector.retryNow() skips the wait", async () => {
  const { clock, attempts, connection, reach } = setUp();
  attempts[0].fail(new Error("refused"));
  await reach("retrying");
  assert.equal(connection.retryNow(), true);
  assert.equal(connection.status.state, "connecting");
  assert.equal(attempts.length, 2);
  assert.equal(clock.pending, 0, "the timer of the skipped wait is gone");
  attempts[1].fail(new Error("refused"));
  const status = await reach("retrying");
  assert.ok(status.state === "retrying" && status.attempt === 2, "a skipped wait still counts as an attempt");
  connection.close();
});

Deno.test("Reconnector.retryNow() does nothing unless a retry is waiting", async () => {
  const { attempts, connection, reach } = setUp();
  assert.equal(connection.retryNow(), false, "while connecting");
  attempts[0].succeed();
  await reach("open");
  assert.equal(connection.retryNow(), false, "while open");
  assert.equal(attempts.length, 1);
  connection.close();
});

Deno.test("Reconnector closes with the error of a fatal session end and does not retry", async () => {
  const { clock, attempts, reach } = setUp();
  const changed = new Error("The server's key changed");
  attempts[0].succeed().end({ error: changed, fatal: true });
  const status = await reach("closed");
  assert.deepEqual(status, { state: "closed", error: changed });
  assert.equal(clock.pending, 0);
});

Deno.test("Reconnector closes when an attempt fails with an error isFatal() accepts", async () => {
  const refused = new Error("resume refused");
  const { clock, attempts, reach } = setUp({ isFatal: (error) => error === refused });
  attempts[0].fail(refused);
  const status = await reach("closed");
  assert.deepEqual(status, { state: "closed", error: refused });
  assert.equal(clock.pending, 0);
});

Deno.test("Reconnector wraps a rejection that is not an Error, keeping it as cause", async () => {
  const { attempts, connection, reach } = setUp();
  attempts[0].fail("socket gone");
  const status = await reach("retrying");
  assert.ok(status.state === "retrying" && status.error instanceof Error);
  assert.equal(status.error.cause, "socket gone");
  connection.close();
});

Deno.test("Reconnector treats an open() that throws synchronously as a failed attempt", async () => {
  const clock = new FakeClock(0);
  const connection = new Reconnector({
    open: () => {
      throw new Error("no network");
    },
    clock,
    backoff: { random: () => 0 },
  });
  await new Promise<void>((resolve) => connection.on("status", () => resolve()));
  assert.equal(connection.status.state, "retrying");
  connection.close();
});

Deno.test("Reconnector lets a status subscriber close it mid-change", async () => {
  const { clock, attempts, connection, reach } = setUp();
  connection.on("status", (status) => {
    if (status.state === "connecting") connection.close();
  });
  attempts[0].fail(new Error("refused"));
  await reach("retrying");
  clock.tick(500);
  assert.deepEqual(connection.status, { state: "closed" });
  assert.equal(attempts.length, 1, "no attempt starts after the subscriber closed");
});

Deno.test("Reconnector rejects back-off options out of range", () => {
  assert.throws(
    () =>
      new Reconnector({ open: () => new Promise<Session>(() => {}), backoff: { baseMs: -1 }, clock: new FakeClock(0) }),
    RangeError,
  );
});

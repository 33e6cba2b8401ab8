import assert from "node:assert/strict";
import { newClientId, Outbox, type OutboxEntry, OutboxFullError, type OutboxOptions } from "./outbox.ts";

/** A `send` the test answers call by call. */
interface Call {
  clientId: string;
  message: string;
  answer(value: string): void;
  fail(error: unknown): void;
}

class ConnectionLost extends Error {}

/** Counts up, so client ids are predictable: 000…01, 000…02, … */
function countingRandom() {
  let n = 0;
  return (length: number) => {
    const bytes = new Uint8Array(length);
    bytes[length - 1] = ++n;
    return bytes;
  };
}

function setUp(options: Partial<OutboxOptions<string, string>> = {}) {
  const calls: Call[] = [];
  let waiter: (() => void) | undefined;
  const outbox = new Outbox<string, string>({
    send: (clientId, message) =>
      new Promise((resolve, reject) => {
        calls.push({ clientId, message, answer: resolve, fail: reject });
        waiter?.();
      }),
    isTransient: (error) => error instanceof ConnectionLost,
    random: countingRandom(),
    ...options,
  });
  /** Resolves once `send` has been called `n` times. */
  const called = (n: number) =>
    new Promise<Call>((resolve) => {
      const check = () => calls.length >= n ? resolve(calls[n - 1]) : waiter = check;
      check();
    });
  const changes: OutboxEntry<string>[] = [];
  outbox.on("change", (entry) => changes.push(entry));
  return { outbox, calls, called, changes };
}

/** Lets the outbox's promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

const id = (n: number) => n.toString(16).padStart(32, "0");

Deno.test("newClientId() is 128 random bits in lowercase hex", () => {
  assert.equal(newClientId((n) => new Uint8Array(n).fill(0xab)), "ab".repeat(16));
  const a = newClientId(), b = newClientId();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(a, b);
});

Deno.test("newClientId() throws a TypeError when the random source returns the wrong length", () => {
  assert.throws(() => newClientId((n) => new Uint8Array(n - 1)), TypeError);
});

Deno.test("Outbox holds sends while offline and sends them in order once online, one at a time", async () => {
  const { outbox, calls, called } = setUp();
  const first = outbox.send("one");
  const second = outbox.send("two");
  assert.deepEqual([first.clientId, second.clientId], [id(1), id(2)]);
  await settle();
  assert.equal(calls.length, 0, "nothing goes out while offline");
  assert.deepEqual(outbox.entries().map((e) => [e.message, e.state]), [["one", "pending"], ["two", "pending"]]);
  outbox.setOnline(true);
  (await called(1)).answer("ok 1");
  await settle();
  assert.equal(calls.length, 2);
  assert.equal(calls[1].message, "two", "the second goes out after the first is answered");
  calls[1].answer("ok 2");
  assert.equal(await first.done, "ok 1");
  assert.equal(await second.done, "ok 2");
  assert.deepEqual(outbox.entries(), []);
});

Deno.test("Outbox does not start the next send before the previous one is answered", async () => {
  const { outbox, calls, called } = setUp({ online: true });
  outbox.send("one");
  outbox.send("two");
  await called(1);
  await settle();
  assert.equal(calls.length, 1);
});

Deno.test("Outbox resends under the same client id after the connection broke", async () => {
  const { outbox, calls, called } = setUp({ online: true });
  const { clientId, done } = outbox.send("hello");
  outbox.send("later");
  (await called(1)).fail(new ConnectionLost());
  await settle();
  assert.equal(calls.length, 1, "nothing more goes out until the next connection");
  assert.deepEqual(outbox.entries().map((e) => e.state), ["pending", "pending"]);
  outbox.setOnline(false);
  outbox.setOnline(true);
  const again = await called(2);
  assert.deepEqual([again.clientId, again.message], [clientId, "hello"]);
  again.answer("ok");
  assert.equal(await done, "ok");
  assert.equal((await called(3)).message, "later");
});

Deno.test("Outbox keeps a new connection going when a send of the old one fails late", async () => {
  const { outbox, calls, called } = setUp({ online: true });
  outbox.send("one");
  const inFlight = await called(1);
  outbox.setOnline(false);
  outbox.setOnline(true);
  inFlight.fail(new ConnectionLost());
  const again = await called(2);
  assert.equal(again.clientId, calls[0].clientId);
});

Deno.test("Outbox marks a refused send failed, rejects its done and goes on with the next", async () => {
  const { outbox, called, changes } = setUp({ online: true });
  const refused = new Error("not_friends");
  const first = outbox.send("one");
  const second = outbox.send("two");
  (await called(1)).fail(refused);
  await assert.rejects(first.done, (error) => error === refused);
  (await called(2)).answer("ok");
  assert.equal(await second.done, "ok");
  assert.deepEqual(outbox.entries(), [{ clientId: first.clientId, message: "one", state: "failed", error: refused }]);
  assert.deepEqual(changes.map((e) => [e.message, e.state]), [
    ["one", "pending"],
    ["two", "pending"],
    ["one", "failed"],
    ["two", "sent"],
  ]);
});

Deno.test("Outbox.retry() sends a failed message again under its client id, after those pending", async () => {
  const { outbox, called } = setUp();
  const first = outbox.send("one");
  outbox.setOnline(true);
  (await called(1)).fail(new Error("try later"));
  await first.done.catch(() => {});
  outbox.setOnline(false);
  outbox.send("two");
  const retried = outbox.retry(first.clientId);
  assert.deepEqual(outbox.entries().map((e) => [e.message, e.state]), [["two", "pending"], ["one", "pending"]]);
  outbox.setOnline(true);
  (await called(2)).answer("ok two");
  const again = await called(3);
  assert.deepEqual([again.clientId, again.message], [first.clientId, "one"]);
  again.answer("ok one");
  assert.equal(await retried, "ok one");
});

Deno.test("Outbox.discard() drops a failed send and refuses a pending one", async () => {
  const { outbox, called } = setUp({ online: true });
  const first = outbox.send("one");
  (await called(1)).fail(new Error("refused"));
  await first.done.catch(() => {});
  const pending = outbox.send("two");
  outbox.discard(first.clientId);
  assert.deepEqual(outbox.entries().map((e) => e.message), ["two"]);
  assert.throws(() => outbox.discard(pending.clientId), RangeError);
  assert.throws(() => outbox.retry("nope"), RangeError);
});

Deno.test("Outbox refuses a send beyond its limit with OutboxFullError, counting failed sends", async () => {
  const { outbox, called } = setUp({ limit: 2 });
  const first = outbox.send("one");
  outbox.send("two");
  assert.throws(() => outbox.send("three"), (error) => {
    assert.ok(error instanceof OutboxFullError);
    assert.equal(error.limit, 2);
    assert.equal(
      error.message,
      "Cannot queue the message: 2 messages are waiting to be sent already, the outbox's limit",
    );
    return true;
  });
  outbox.setOnline(true);
  (await called(1)).fail(new Error("refused"));
  await first.done.catch(() => {});
  assert.throws(() => outbox.send("three"), OutboxFullError, "a failed send still takes room");
  (await called(2)).answer("ok");
  await settle();
  outbox.send("three");
  assert.equal(outbox.entries().length, 2);
});

Deno.test("Outbox treats a send function that throws at once like one that rejects", async () => {
  const outbox = new Outbox<string, string>({
    send: () => {
      throw new Error("bad message");
    },
    isTransient: () => false,
    online: true,
  });
  await assert.rejects(outbox.send("x").done, /bad message/);
  assert.equal(outbox.entries()[0].state, "failed");
});

Deno.test("Outbox rejects a limit that is not a whole number from 1", () => {
  const options = { send: () => Promise.resolve(""), isTransient: () => false };
  for (const limit of [0, -1, 1.5, NaN]) assert.throws(() => new Outbox({ ...options, limit }), RangeError);
});

Deno.test("Outbox.clear() rejects every waiting send and ignores the answer of the one on its way", async () => {
  const { outbox, called, changes } = setUp({ online: true });
  const first = outbox.send("one");
  const second = outbox.send("two");
  const call = await called(1);
  const reason = new Error("logged out");
  outbox.clear(reason);
  assert.deepEqual(outbox.entries(), []);
  await assert.rejects(first.done, (error) => error === reason);
  await assert.rejects(second.done, (error) => error === reason);
  const before = changes.length;
  call.answer("late");
  await settle();
  assert.equal(changes.length, before, "the late answer settles nothing");
  const third = outbox.send("three");
  (await called(2)).answer("ok");
  assert.equal(await third.done, "ok", "the outbox goes on with new sends");
});

Deno.test("Outbox.restore() puts stored sends first under their own ids, skips held ids, and keeps failed ones waiting", async () => {
  const { outbox, calls, called, changes } = setUp();
  const queued = outbox.send("new");
  const done = outbox.restore([
    { clientId: id(0xa1), message: "stored 1", state: "pending" },
    { clientId: id(0xa2), message: "refused before", state: "failed" },
    { clientId: queued.clientId, message: "a copy", state: "pending" },
    { clientId: id(0xa3), message: "stored 2", state: "pending" },
  ]);
  assert.deepEqual([...done.keys()], [id(0xa1), id(0xa2), id(0xa3)]);
  assert.deepEqual(outbox.entries().map((e) => [e.message, e.state]), [
    ["stored 1", "pending"],
    ["refused before", "failed"],
    ["stored 2", "pending"],
    ["new", "pending"],
  ]);
  assert.equal(changes.length, 4, "one change for the new send and one per taken send");
  outbox.setOnline(true);
  (await called(1)).answer("ok 1");
  assert.equal(await done.get(id(0xa1)), "ok 1");
  (await called(2)).answer("ok 2");
  (await called(3)).answer("ok 3");
  await queued.done;
  await settle();
  assert.deepEqual(calls.map((c) => [c.clientId, c.message]), [
    [id(0xa1), "stored 1"],
    [id(0xa3), "stored 2"],
    [queued.clientId, "new"],
  ]);
  assert.deepEqual(outbox.entries().map((e) => e.clientId), [id(0xa2)], "the failed one waits for retry or discard");
});

// Tests of the lobby's count: pushed only to watchers, at most once per interval, only when it changed for them.

import assert from "node:assert/strict";
import { PUSHES } from "../../../core/protocol/registry.ts";
import { FakeClock } from "../../../core/time/clock.ts";
import type { HubConnection, Push } from "../../hub/types.ts";
import { LobbyCount } from "./lobby_count.ts";

const INTERVAL = 5000;

function connection(id: number): HubConnection {
  return { id, remoteAddress: "127.0.0.1:1", write() {}, close: () => Promise.resolve() };
}

/** A lobby over a hub whose count the test sets, recording every delivery. */
function fixture() {
  const clock = new FakeClock();
  const hub = {
    count: 0,
    deliveries: [] as { userIds: number[]; body: unknown }[],
    onlineCount() {
      return Promise.resolve(this.count);
    },
    deliver(userIds: Iterable<number>, message: Push) {
      assert.equal(message.opcode, PUSHES.lobbyCount.opcode);
      this.deliveries.push({ userIds: [...userIds], body: message.body });
      return Promise.resolve();
    },
  };
  const errors: unknown[] = [];
  const lobby = new LobbyCount({ hub, clock, intervalMs: INTERVAL, onError: (error) => errors.push(error) });
  const tick = async (ms: number) => {
    clock.tick(ms);
    await lobby.idle();
  };
  return { clock, hub, lobby, errors, tick };
}

Deno.test("LobbyCount pushes a changed count once per interval however often it changed, to watchers only", async () => {
  const { hub, lobby, tick } = fixture();
  hub.count = 1;
  lobby.watch(1, connection(1), 1);
  hub.count = 2;
  hub.count = 3;
  hub.count = 4;
  await tick(INTERVAL - 1);
  assert.deepEqual(hub.deliveries, [], "nothing before the interval is up");
  await tick(1);
  assert.deepEqual(hub.deliveries, [{ userIds: [1], body: { onlineCount: 4 } }], "one push with the latest count");
  await tick(INTERVAL);
  assert.equal(hub.deliveries.length, 1, "no push while the count stays");
  hub.count = 3;
  await tick(INTERVAL * 3);
  assert.deepEqual(hub.deliveries.at(-1), { userIds: [1], body: { onlineCount: 3 } });
  assert.equal(hub.deliveries.length, 2);
});

Deno.test("LobbyCount tells each watcher only a count it was not told, in one delivery", async () => {
  const { hub, lobby, tick } = fixture();
  hub.count = 5;
  lobby.watch(1, connection(1), 4);
  lobby.watch(2, connection(2), 5);
  lobby.watch(3, connection(3), 4);
  await tick(INTERVAL);
  assert.deepEqual(hub.deliveries, [{ userIds: [1, 3], body: { onlineCount: 5 } }]);
});

Deno.test("LobbyCount stops its timer when the last watcher goes, and a closed connection's unwatch spares a newer watch", async () => {
  const { clock, hub, lobby, tick } = fixture();
  const old = connection(1), newer = connection(2);
  lobby.watch(1, old, 0);
  assert.equal(clock.pending, 1);
  lobby.watch(1, newer, 0);
  lobby.unwatch(1, old);
  assert.equal(lobby.watchers, 1, "the newer login keeps its watch");
  lobby.unwatch(1, newer);
  assert.equal(lobby.watchers, 0);
  assert.equal(clock.pending, 0, "no timer runs for nobody");
  hub.count = 9;
  await tick(INTERVAL * 2);
  assert.deepEqual(hub.deliveries, []);
});

Deno.test("LobbyCount reports a failed look at the count and tries again at the next interval", async () => {
  const { hub, lobby, errors, tick } = fixture();
  const failure = new Error("hub gone");
  let fail = true;
  hub.onlineCount = function () {
    return fail ? Promise.reject(failure) : Promise.resolve(7);
  };
  lobby.watch(1, connection(1), 0);
  await tick(INTERVAL);
  assert.deepEqual(errors, [failure]);
  fail = false;
  await tick(INTERVAL);
  assert.deepEqual(hub.deliveries, [{ userIds: [1], body: { onlineCount: 7 } }]);
});

Deno.test("LobbyCount refuses an interval that is not positive", () => {
  const hub = { onlineCount: () => Promise.resolve(0), deliver: () => Promise.resolve() };
  for (const intervalMs of [0, -1, NaN]) {
    assert.throws(() => new LobbyCount({ hub, clock: new FakeClock(), intervalMs, onError() {} }), RangeError);
  }
});

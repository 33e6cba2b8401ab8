// Tests of the connection tally: one summary line per interval with activity, none when idle, nothing lost at stop.

import assert from "node:assert/strict";
import { FakeClock } from "../core/time/clock.ts";
import { ConnectionTally } from "./connection_tally.ts";
import { createLogger, type LogRecord } from "./log.ts";

function setup(intervalMs = 1000) {
  const lines: LogRecord[] = [];
  const clock = new FakeClock(0);
  const tally = new ConnectionTally(createLogger("info", (record) => lines.push(record)), clock, intervalMs);
  return { lines, clock, tally };
}

Deno.test("ConnectionTally writes one line per interval with what opened, was secured and closed", () => {
  const { lines, clock, tally } = setup();
  tally.opened("tcp");
  tally.opened("tcp");
  tally.opened("ws");
  tally.secured();
  tally.closed("peer_closed");
  clock.tick(999);
  assert.equal(lines.length, 0, "nothing before the interval ends");
  clock.tick(1);
  assert.equal(lines.length, 1);
  const { event, level, opened, secured, closed, open } = lines[0];
  assert.deepEqual({ event, level, opened, secured, closed, open }, {
    event: "connections",
    level: "info",
    opened: { tcp: 2, ws: 1 },
    secured: 1,
    closed: { peer_closed: 1 },
    open: 2,
  });
  tally.stop();
});

Deno.test("ConnectionTally writes nothing and keeps no timer while nothing happens", () => {
  const { lines, clock, tally } = setup();
  tally.opened("tcp");
  clock.tick(1000);
  clock.tick(10_000);
  assert.equal(lines.length, 1, "one line for the interval with activity, none for the idle ones");
  assert.equal(lines[0].open, 1, "the open count carries over");
  tally.closed("keepalive_timeout");
  clock.tick(1000);
  assert.deepEqual(lines[1].opened, {});
  assert.equal(lines[1].open, 0);
  tally.stop();
});

Deno.test("ConnectionTally.stop() writes what was counted and no line follows", () => {
  const { lines, clock, tally } = setup();
  tally.opened("ws");
  tally.stop();
  assert.equal(lines.length, 1);
  tally.closed("server_shutdown");
  clock.tick(5000);
  assert.equal(lines.length, 1, "no timer after stop");
});

Deno.test("ConnectionTally refuses an interval that is not positive", () => {
  assert.throws(() => new ConnectionTally(createLogger("silent"), new FakeClock(0), 0), RangeError);
});

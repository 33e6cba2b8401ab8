// Tests for one connection's deadlines: handshake, login, keep-alive (PROTOCOL.md §11.3).

import assert from "node:assert/strict";
import { ConnectionWatch } from "./connection_watch.ts";

const LIMITS = { handshakeTimeoutMs: 10_000, loginTimeoutMs: 60_000, keepAliveMs: 30_000 };

function watch() {
  const actions: string[] = [];
  const w = new ConnectionWatch(LIMITS, {
    end: (code, _message, reason) => actions.push(`end ${code} ${reason}`),
    ping: () => actions.push("ping"),
  }, 0);
  return { w, actions };
}

Deno.test("ConnectionWatch ends an unfinished handshake at handshakeTimeoutMs, once", () => {
  const { w, actions } = watch();
  w.check(9_999);
  assert.deepEqual(actions, []);
  w.check(10_000);
  w.check(20_000);
  assert.deepEqual(actions, ["end timeout handshake_timeout"]);
});

Deno.test("ConnectionWatch ends a secured connection that has not logged in at loginTimeoutMs, busy or not", () => {
  const { w, actions } = watch();
  w.established(5_000);
  for (let t = 5_000; t < 65_000; t += 10_000) {
    w.heard(t);
    w.check(t);
  }
  assert.deepEqual(actions, []);
  w.check(65_000);
  assert.deepEqual(actions, ["end login_timeout login_timeout"]);
});

Deno.test("ConnectionWatch pings a silent connection once at keepAliveMs and ends it at twice that", () => {
  const { w, actions } = watch();
  w.established(0);
  w.loggedIn();
  w.check(29_999);
  w.check(30_000);
  w.check(45_000);
  assert.deepEqual(actions, ["ping"], "one ping per silence");
  w.check(60_000);
  assert.deepEqual(actions, ["ping", "end timeout keepalive_timeout"]);
});

Deno.test("ConnectionWatch counts a record as an answer, and starts the login deadline again after a logout", () => {
  const { w, actions } = watch();
  w.established(0);
  w.loggedIn();
  w.check(30_000);
  w.heard(31_000);
  w.check(60_000);
  assert.deepEqual(actions, ["ping"]);
  w.check(61_000);
  assert.deepEqual(actions, ["ping", "ping"], "silent again for keepAliveMs: pinged again");
  w.heard(61_500);
  w.loggedOut(100_000);
  w.heard(150_000);
  w.check(159_999);
  assert.equal(actions.length, 2);
  w.check(160_000);
  assert.deepEqual(actions.at(-1), "end login_timeout login_timeout");
});

Deno.test("ConnectionWatch answers its next deadline and asks for a recheck when one comes closer", () => {
  let rechecks = 0;
  const w = new ConnectionWatch(
    { handshakeTimeoutMs: 10_000, loginTimeoutMs: 5_000, keepAliveMs: 30_000 },
    { end: () => {}, ping: () => {}, recheck: () => rechecks++ },
    0,
  );
  assert.equal(w.check(1_000), 10_000);
  w.established(2_000);
  assert.equal(rechecks, 1);
  assert.equal(w.check(2_250), 7_000);
  w.loggedIn();
  assert.equal(w.check(2_500), 32_000);
  w.heard(20_000);
  assert.equal(w.check(32_000), 50_000, "a record heard since moves the keep-alive later");
  w.loggedOut(40_000);
  assert.equal(rechecks, 2);
});

// Tests for admission: caps in total and per address, rates, and which connection makes room.

import assert from "node:assert/strict";
import { AdmissionControl, type AdmissionLimits, type Refusal, type Slot } from "./admission.ts";

const LIMITS: AdmissionLimits = {
  maxConnections: 100,
  maxConnectionsPerIp: 100,
  connectionsPerIpPerMinute: 1000,
  maxHandshakes: 100,
  maxHandshakesPerIp: 100,
  handshakeUnitsPerIpPerMinute: 1000,
};

/** Admits and returns the slot, failing the test on a refusal; `evicted` collects what each slot was told. */
function admitted(
  admission: AdmissionControl,
  host: string,
  evicted: Map<string, Refusal>,
  name = host,
  phase: "http" | "handshake" = "handshake",
): Slot {
  const result = admission.admit(host, phase);
  assert.ok(result.ok, `${name} should be admitted: ${!result.ok && result.message}`);
  result.slot.onEvict = (refusal) => evicted.set(name, refusal);
  return result.slot;
}

Deno.test("AdmissionControl refuses past maxConnections when every connection is logged in, and admits after release", () => {
  const admission = new AdmissionControl({ ...LIMITS, maxConnections: 2 });
  const evicted = new Map<string, Refusal>();
  const a = admitted(admission, "10.0.0.1", evicted);
  const b = admitted(admission, "10.0.0.2", evicted);
  a.setPhase("user");
  b.setPhase("user");
  const c = admission.admit("10.0.0.3", "handshake");
  assert.equal(!c.ok && c.code, "server_busy");
  a.release();
  a.release(); // a second release must not free a second slot
  assert.equal(admission.open, 1);
  admitted(admission, "10.0.0.3", evicted).setPhase("user");
  assert.equal(admission.admit("10.0.0.4", "handshake").ok, false);
  assert.equal(evicted.size, 0, "logged-in connections never make room");
});

Deno.test("AdmissionControl closes the oldest connection that is not logged in to make room when full", () => {
  const admission = new AdmissionControl({ ...LIMITS, maxConnections: 3 });
  const evicted = new Map<string, Refusal>();
  const user = admitted(admission, "10.0.0.1", evicted, "user");
  user.setPhase("user");
  admitted(admission, "10.0.0.2", evicted, "idle-old", "http");
  admitted(admission, "10.0.0.3", evicted, "idle-new");
  admitted(admission, "10.0.0.4", evicted, "newcomer");
  assert.deepEqual([...evicted.keys()], ["idle-old"]);
  assert.equal(evicted.get("idle-old")!.code, "server_busy");
  assert.equal(admission.open, 3);
  admitted(admission, "10.0.0.5", evicted, "another");
  assert.deepEqual([...evicted.keys()], ["idle-old", "idle-new"]);
});

Deno.test("AdmissionControl counts a logged-out connection's age from its logout", () => {
  const admission = new AdmissionControl({ ...LIMITS, maxConnections: 2 });
  const evicted = new Map<string, Refusal>();
  const first = admitted(admission, "10.0.0.1", evicted, "first");
  admitted(admission, "10.0.0.2", evicted, "second");
  first.setPhase("user");
  first.setPhase("open"); // logged out: now the youngest of the yielding ones
  admitted(admission, "10.0.0.3", evicted, "third");
  assert.deepEqual([...evicted.keys()], ["second"]);
});

Deno.test("AdmissionControl caps one address, making room among its own connections only", () => {
  const admission = new AdmissionControl({ ...LIMITS, maxConnectionsPerIp: 2 });
  const evicted = new Map<string, Refusal>();
  admitted(admission, "10.0.0.9", evicted, "other");
  const a = admitted(admission, "10.0.0.1", evicted, "a");
  admitted(admission, "10.0.0.1", evicted, "b");
  admitted(admission, "10.0.0.1", evicted, "c");
  assert.deepEqual([...evicted.keys()], ["a"], "the other address's older connection is untouched");
  assert.ok(a.released);
  for (const slot of [admitted(admission, "10.0.0.1", evicted, "d"), admitted(admission, "10.0.0.1", evicted, "e")]) {
    slot.setPhase("user");
  }
  const refused = admission.admit("10.0.0.1", "handshake");
  assert.equal(!refused.ok && refused.code, "too_many_connections");
  assert.ok(admission.admit("10.0.0.2", "handshake").ok, "another address is not affected");
});

Deno.test("AdmissionControl counts every address of one IPv6 /64 as one address", () => {
  const admission = new AdmissionControl({ ...LIMITS, maxConnectionsPerIp: 2 });
  const evicted = new Map<string, Refusal>();
  for (const host of ["2001:db8:1:2::1", "2001:db8:1:2::2"]) admitted(admission, host, evicted).setPhase("user");
  const refused = admission.admit("2001:db8:1:2:ffff::3", "handshake");
  assert.equal(!refused.ok && refused.code, "too_many_connections");
  assert.ok(admission.admit("2001:db8:1:3::1", "handshake").ok);
});

Deno.test("AdmissionControl rate-limits new connections from one address and refills over time", () => {
  let now = 1_000_000;
  const admission = new AdmissionControl({ ...LIMITS, connectionsPerIpPerMinute: 2 }, () => now);
  const evicted = new Map<string, Refusal>();
  admitted(admission, "h", evicted);
  admitted(admission, "h", evicted);
  const refused = admission.admit("h", "handshake");
  assert.equal(!refused.ok && refused.code, "rate_limited");
  assert.equal(!refused.ok && refused.retryAfterMs, 30_000);
  assert.ok(admission.admit("other", "handshake").ok, "another address is not affected");
  now += 29_000;
  assert.equal(admission.admit("h", "handshake").ok, false);
  now += 1_000;
  assert.ok(admission.admit("h", "handshake").ok);
});

Deno.test("AdmissionControl makes room among one address's unfinished handshakes at its cap, oldest first", () => {
  const admission = new AdmissionControl({ ...LIMITS, maxHandshakesPerIp: 2 });
  const evicted = new Map<string, Refusal>();
  admitted(admission, "10.0.0.9", evicted, "other");
  admitted(admission, "10.0.0.1", evicted, "slow-1");
  admitted(admission, "10.0.0.1", evicted, "slow-2");
  admitted(admission, "10.0.0.1", evicted, "fresh");
  assert.deepEqual([...evicted.keys()], ["slow-1"], "the other address's handshake is untouched");
  assert.match(evicted.get("slow-1")!.message, /This address has too many unfinished handshakes/);
  // A plain HTTP socket is not a handshake until it upgrades; then it too makes room.
  const http = admitted(admission, "10.0.0.1", evicted, "http", "http");
  assert.equal(evicted.size, 1);
  http.setPhase("handshake");
  assert.deepEqual([...evicted.keys()], ["slow-1", "slow-2"]);
  assert.equal(admission.handshakes, 3);
});

Deno.test("AdmissionControl makes room among unfinished handshakes at the total cap, oldest first", () => {
  const admission = new AdmissionControl({ ...LIMITS, maxHandshakes: 2 });
  const evicted = new Map<string, Refusal>();
  admitted(admission, "10.0.0.1", evicted, "slow-1");
  admitted(admission, "10.0.0.2", evicted, "slow-2");
  const done = admitted(admission, "10.0.0.3", evicted, "done");
  assert.deepEqual([...evicted.keys()], ["slow-1"]);
  done.setPhase("open");
  assert.equal(admission.handshakes, 1);
  admitted(admission, "10.0.0.4", evicted, "next");
  assert.deepEqual([...evicted.keys()], ["slow-1"], "a finished handshake frees its place");
});

Deno.test("AdmissionControl.chargeHandshake() spends an address's budget by cost and refills over time", () => {
  let now = 0;
  const admission = new AdmissionControl({ ...LIMITS, handshakeUnitsPerIpPerMinute: 10 }, () => now);
  const evicted = new Map<string, Refusal>();
  const slot = admitted(admission, "10.0.0.1", evicted);
  assert.equal(admission.chargeHandshake(slot, 8), undefined);
  const refused = admission.chargeHandshake(slot, 8);
  assert.equal(refused?.code, "rate_limited");
  assert.equal(refused?.retryAfterMs, 36_000); // 6 more units at 10 a minute
  assert.equal(admission.chargeHandshake(slot, 2), undefined, "a cheaper key exchange still fits");
  const other = admitted(admission, "10.0.0.2", evicted);
  assert.equal(admission.chargeHandshake(other, 8), undefined, "another address has its own budget");
  now += 48_000;
  assert.equal(admission.chargeHandshake(slot, 8), undefined);
});

Deno.test("AdmissionControl keeps its bucket maps bounded under connections from many addresses", () => {
  let now = 0;
  const admission = new AdmissionControl({ ...LIMITS, maxConnections: 100_000 }, () => now);
  for (let i = 0; i < 20_000; i++) {
    now += 60_000; // every earlier bucket is full again by the next admission
    const result = admission.admit(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, "http");
    assert.ok(result.ok);
    result.slot.release();
  }
  assert.equal(admission.open, 0);
  assert.ok(admission.trackedAddresses < 10_000, `${admission.trackedAddresses} addresses tracked`);
});

Deno.test("AdmissionControl with a lowered cap makes room down to it at the next admission", () => {
  const admission = new AdmissionControl({ ...LIMITS, maxConnections: 10 });
  const evicted = new Map<string, Refusal>();
  for (let i = 0; i < 10; i++) admitted(admission, `10.0.0.${i}`, evicted, `c${i}`);
  admission.setMaxConnections(6);
  assert.equal(admission.maxConnections, 6);
  admitted(admission, "10.0.1.1", evicted, "newcomer");
  assert.deepEqual([...evicted.keys()], ["c0", "c1", "c2", "c3", "c4"]);
  assert.equal(admission.open, 6);
});

Deno.test("AdmissionControl makes room with the connection whose last step forward is oldest, so stalled ones go first", () => {
  const admission = new AdmissionControl({ ...LIMITS, maxConnections: 3 });
  const evicted = new Map<string, Refusal>();
  const parked = admitted(admission, "10.0.0.1", evicted, "parked");
  parked.setPhase("hello");
  parked.setPhase("open"); // an attacker's connection, handshake done, then silent
  const page = admitted(admission, "10.0.0.2", evicted, "page", "http");
  const honest = admitted(admission, "10.0.0.3", evicted, "honest");
  page.touch(); // a request on the keep-alive socket
  honest.setPhase("hello"); // its ClientHello arrived
  admitted(admission, "10.0.0.4", evicted, "newcomer-1");
  assert.deepEqual([...evicted.keys()], ["parked"]);
  admitted(admission, "10.0.0.5", evicted, "newcomer-2");
  assert.deepEqual([...evicted.keys()], ["parked", "page"], "the page's request came before the ClientHello");
});

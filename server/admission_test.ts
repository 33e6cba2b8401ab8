import assert from "node:assert/strict";
import { AdmissionControl } from "./admission.ts";

Deno.test("AdmissionControl.admit() refuses past maxConnections and admits again after release", () => {
  const admission = new AdmissionControl({ maxConnections: 2, connectionsPerIpPerMinute: 100 });
  const a = admission.admit("10.0.0.1");
  const b = admission.admit("10.0.0.2");
  assert.ok(a.ok && b.ok);
  const c = admission.admit("10.0.0.3");
  assert.equal(c.ok, false);
  assert.equal(!c.ok && c.code, "server_busy");
  if (a.ok) {
    a.release();
    a.release(); // a second release must not free a second slot
  }
  assert.equal(admission.open, 1);
  assert.ok(admission.admit("10.0.0.3").ok);
  assert.equal(admission.admit("10.0.0.4").ok, false);
});

Deno.test("AdmissionControl.admit() rate-limits one address and refills over time", () => {
  let now = 1_000_000;
  const admission = new AdmissionControl({ maxConnections: 100, connectionsPerIpPerMinute: 2 }, () => now);
  assert.ok(admission.admit("h").ok);
  assert.ok(admission.admit("h").ok);
  const refused = admission.admit("h");
  assert.equal(!refused.ok && refused.code, "rate_limited");
  assert.equal(!refused.ok && refused.retryAfterMs, 30_000);
  assert.ok(admission.admit("other").ok, "another address is not affected");
  now += 29_000;
  assert.equal(admission.admit("h").ok, false);
  now += 1_000;
  assert.ok(admission.admit("h").ok);
});

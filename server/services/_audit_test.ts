import assert from "node:assert/strict";
import { createLogger, type LogRecord } from "../log.ts";
import { audit, throttled, waitText } from "./_audit.ts";

Deno.test("audit() logs the action with the connection and where it came from", () => {
  const logs: LogRecord[] = [];
  audit(createLogger("info", (r) => logs.push(r)), "login", { id: 3, remoteAddress: "192.0.2.1:4000" }, { user: 7 });
  const { ts: _ts, ...record } = logs[0];
  assert.deepEqual(record, {
    level: "info",
    event: "audit",
    action: "login",
    conn: 3,
    remote: "192.0.2.1:4000",
    user: 7,
  });
});

Deno.test("waitText() says seconds, rounded up, under two minutes and minutes from there", () => {
  assert.deepEqual([1, 1000, 1001, 119_000, 120_000, 900_000].map(waitText), [
    "1 s",
    "1 s",
    "2 s",
    "119 s",
    "2 min",
    "15 min",
  ]);
});

Deno.test("throttled() audits the attempt and refuses it with the wait in words and in retryAfterMs", () => {
  const logs: LogRecord[] = [];
  const logger = createLogger("info", (r) => logs.push(r));
  const error = throttled(logger, { id: 3, remoteAddress: "192.0.2.1:4000" }, 90_000, { op: "resume" });
  assert.equal(error.code, "throttled");
  assert.equal(error.message, "Too many attempts: try again in 90 s");
  assert.equal(error.retryAfterMs, 90_000);
  const { ts: _ts, ...record } = logs[0];
  assert.deepEqual(record, {
    level: "info",
    event: "audit",
    action: "throttle",
    conn: 3,
    remote: "192.0.2.1:4000",
    op: "resume",
    retryAfterMs: 90_000,
  });
});

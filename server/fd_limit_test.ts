// Tests for reading the open-file limit and the connection cap it leaves room for.

import assert from "node:assert/strict";
import { connectionCap, openFileLimit, RESERVED_DESCRIPTORS } from "./fd_limit.ts";

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

Deno.test("openFileLimit() reads the soft limit on open files", () => {
  assert.equal(openFileLimit(LIMITS), 1024);
  assert.equal(openFileLimit(LIMITS.replace("1024 ", "unlimited")), undefined);
  assert.equal(openFileLimit("nothing here"), undefined);
});

Deno.test("connectionCap() keeps descriptors in reserve below the limit and never raises the configured cap", () => {
  assert.equal(connectionCap(1024, 1024), 1024 - RESERVED_DESCRIPTORS);
  assert.equal(connectionCap(1024, 65536), 1024);
  assert.equal(connectionCap(1024, undefined), 1024);
  assert.equal(connectionCap(1024, 10), 1);
});

// Tests for concatBytes() and joinBytes().

import assert from "node:assert/strict";
import { concatBytes, joinBytes } from "./concat.ts";

Deno.test("concatBytes() joins parts in order and accepts none", () => {
  assert.deepEqual(
    concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3])),
    new Uint8Array([1, 2, 3]),
  );
  assert.deepEqual(concatBytes(), new Uint8Array(0));
});

Deno.test("concatBytes() throws a TypeError for a part that is not a Uint8Array", () => {
  assert.throws(() => concatBytes(new Uint8Array(1), "x" as unknown as Uint8Array), TypeError);
});

Deno.test("joinBytes() joins more parts than a call may take arguments", () => {
  const parts = Array.from({ length: 200_000 }, (_, i) => new Uint8Array([i & 0xff]));
  const joined = joinBytes(parts);
  assert.equal(joined.length, 200_000);
  assert.equal(joined[199_999], 199_999 & 0xff);
});

Deno.test("joinBytes() returns a copy, not a view of its parts", () => {
  const part = new Uint8Array([1, 2]);
  const joined = joinBytes([part]);
  part[0] = 9;
  assert.deepEqual(joined, new Uint8Array([1, 2]));
});

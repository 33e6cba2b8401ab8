import assert from "node:assert/strict";
import { fitWithin } from "./_thumbnail.ts";

Deno.test("fitWithin() scales the longer side to the box and keeps the shape", () => {
  assert.deepEqual(fitWithin(1000, 500, 320), { width: 320, height: 160 });
  assert.deepEqual(fitWithin(500, 1000, 320), { width: 160, height: 320 });
});

Deno.test("fitWithin() never enlarges a small image and keeps at least one pixel", () => {
  assert.deepEqual(fitWithin(100, 50, 320), { width: 100, height: 50 });
  assert.deepEqual(fitWithin(10_000, 1, 320), { width: 320, height: 1 });
});

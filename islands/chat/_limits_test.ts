import assert from "node:assert/strict";
import { canRecall, imageRefusal, megapixelsIn, sizeIn, textLength } from "./_limits.ts";

const limits = { messageTextChars: 5, imageBytes: 1000, imagePixels: 100, thumbnailBytes: 10, recallWindowMs: 60_000 };

Deno.test("textLength() counts code points, as the server does", () => {
  assert.equal(textLength("hello"), 5);
  assert.equal(textLength("你好👋"), 3);
  assert.equal(textLength(""), 0);
});

Deno.test("imageRefusal() names the limit an image passes, bytes first", () => {
  assert.equal(imageRefusal(1000, { width: 10, height: 10 }, limits), undefined);
  assert.deepEqual(imageRefusal(1001, { width: 1, height: 1 }, limits), { reason: "bytes", limit: 1000 });
  assert.deepEqual(imageRefusal(10, { width: 11, height: 10 }, limits), { reason: "pixels", limit: 100 });
});

Deno.test("canRecall() offers recall only within the server's window", () => {
  assert.equal(canRecall(1_000, 60_999, limits), true);
  assert.equal(canRecall(1_000, 61_000, limits), false);
});

Deno.test("sizeIn() and megapixelsIn() read in the language", () => {
  assert.equal(sizeIn("en", 10 * 1024 * 1024), "10 MB");
  assert.equal(sizeIn("en", 64 * 1024), "64 kB");
  assert.match(sizeIn("zh-CN", 10 * 1024 * 1024), /10/);
  assert.equal(megapixelsIn("en", 40_000_000), "40");
  assert.equal(megapixelsIn("en", 2_500_000), "2.5");
});

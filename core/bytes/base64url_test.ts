// Tests for base64Url() and fromBase64Url().

import assert from "node:assert/strict";
import { base64Url, fromBase64Url } from "./base64url.ts";

Deno.test("base64Url() follows RFC 4648 §10 test vectors without padding and with the URL alphabet", () => {
  const vectors: [string, string][] = [["", ""], ["f", "Zg"], ["fo", "Zm8"], ["foo", "Zm9v"], ["foobar", "Zm9vYmFy"]];
  for (const [plain, encoded] of vectors) {
    assert.equal(base64Url(new TextEncoder().encode(plain)), encoded);
    assert.deepEqual(fromBase64Url(encoded), new TextEncoder().encode(plain));
  }
  assert.equal(base64Url(new Uint8Array([0xfb, 0xff, 0xbf])), "-_-_");
});

Deno.test("base64Url() and fromBase64Url() round-trip every length up to 70 000 bytes", () => {
  for (const length of [0, 1, 2, 3, 31, 32, 33, 70_000]) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 131) & 0xff);
    assert.deepEqual(fromBase64Url(base64Url(bytes)), bytes);
  }
});

Deno.test("fromBase64Url() throws a SyntaxError for padding, the + and / alphabet, length 1 mod 4 or stray bits", () => {
  assert.throws(() => fromBase64Url("Zg=="), SyntaxError);
  assert.throws(() => fromBase64Url("+/+/"), SyntaxError);
  assert.throws(() => fromBase64Url("Zm9vY"), SyntaxError);
  assert.throws(() => fromBase64Url("Zh"), SyntaxError);
});

Deno.test("base64Url() and fromBase64Url() throw a TypeError for the wrong argument type", () => {
  assert.throws(() => base64Url("x" as unknown as Uint8Array), TypeError);
  assert.throws(() => fromBase64Url(1 as unknown as string), TypeError);
});

import assert from "node:assert/strict";
import { checkKnownKey, type KnownKeyStorage, trustKey } from "./known_key.ts";

function memory(): KnownKeyStorage {
  const map = new Map<string, string>();
  return { getItem: (key) => map.get(key) ?? null, setItem: (key, value) => void map.set(key, value) };
}

Deno.test("checkKnownKey() says first use until a key is trusted, then the same for that key", () => {
  const storage = memory();
  assert.deepEqual(checkKnownKey(storage, "http://a", "SHA256:one"), { state: "first" });
  trustKey(storage, "http://a", "SHA256:one");
  assert.deepEqual(checkKnownKey(storage, "http://a", "SHA256:one"), { state: "same" });
});

Deno.test("checkKnownKey() reports another key with both fingerprints, and keeps refusing until it is trusted", () => {
  const storage = memory();
  trustKey(storage, "http://a", "SHA256:one");
  const changed = { state: "changed", trusted: "SHA256:one", presented: "SHA256:two" };
  assert.deepEqual(checkKnownKey(storage, "http://a", "SHA256:two"), changed);
  assert.deepEqual(checkKnownKey(storage, "http://a", "SHA256:two"), changed, "asking again changes nothing");
  trustKey(storage, "http://a", "SHA256:two");
  assert.deepEqual(checkKnownKey(storage, "http://a", "SHA256:two"), { state: "same" });
});

Deno.test("checkKnownKey() keeps each server's key apart", () => {
  const storage = memory();
  trustKey(storage, "http://a", "SHA256:one");
  assert.deepEqual(checkKnownKey(storage, "http://b", "SHA256:two"), { state: "first" });
});

Deno.test("trustKey() refuses an empty fingerprint", () => {
  assert.throws(() => trustKey(memory(), "http://a", ""), TypeError);
});

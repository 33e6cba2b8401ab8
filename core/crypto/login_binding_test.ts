import assert from "node:assert/strict";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { loginProof } from "./login_binding.ts";

// A 64-byte OPAQUE session key 00 01 … 3f, in unpadded base64url as the library gives it.
const KEY_BYTES = Uint8Array.from({ length: 64 }, (_, i) => i);
const KEY = btoa(String.fromCharCode(...KEY_BYTES)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const EXPORTER = new Uint8Array(32).fill(0xab);

Deno.test("loginProof() is HMAC-SHA256 over the role label and the exporter, computed independently", () => {
  for (const role of ["client", "server"] as const) {
    const expected = hmac(
      sha256,
      KEY_BYTES,
      new Uint8Array([...new TextEncoder().encode(`mimi/1 login ${role}`), ...EXPORTER]),
    );
    assert.deepEqual(loginProof(KEY, EXPORTER, role), expected);
  }
});

Deno.test("loginProof() differs by role, by exporter and by key", () => {
  const base = loginProof(KEY, EXPORTER, "client");
  assert.notDeepEqual(loginProof(KEY, EXPORTER, "server"), base);
  assert.notDeepEqual(loginProof(KEY, new Uint8Array(32).fill(0xac), "client"), base, "another channel");
  assert.notDeepEqual(loginProof(KEY.replace(/^A/, "B"), EXPORTER, "client"), base);
});

import assert from "node:assert/strict";
import { HandshakeError } from "../crypto/errors.ts";
import type { HandshakeResult } from "../crypto/handshake_client.ts";
import { pinFingerprint, ServerKeyChangedError } from "./key_changed.ts";

const presenting = (fingerprint: string) => ({ fingerprint }) as HandshakeResult;

Deno.test("pinFingerprint() accepts the expected key", () => {
  pinFingerprint("SHA256:abc")(presenting("SHA256:abc"));
});

Deno.test("pinFingerprint() refuses another key with a key_changed error that names both fingerprints", () => {
  assert.throws(
    () => pinFingerprint("SHA256:abc")(presenting("SHA256:xyz")),
    (error) =>
      error instanceof ServerKeyChangedError && error instanceof HandshakeError && error.kind === "key_changed" &&
      error.expected === "SHA256:abc" && error.presented === "SHA256:xyz" &&
      /SHA256:xyz.*SHA256:abc/.test(error.message),
  );
});

Deno.test("pinFingerprint() refuses to pin an empty fingerprint", () => {
  assert.throws(() => pinFingerprint(""), TypeError);
});

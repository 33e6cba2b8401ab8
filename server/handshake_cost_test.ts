// Tests for the handshake costs that ration each address's share of the server's key-exchange work.

import assert from "node:assert/strict";
import { FFDHE_GROUPS } from "../core/crypto/primitives/ffdhe.ts";
import { handshakeUnits } from "./handshake_cost.ts";

Deno.test("handshakeUnits() charges x25519 1, p256 and x25519-mlkem768 2, and ffdhe by the size of its group", () => {
  const group = FFDHE_GROUPS.ffdhe3072;
  assert.deepEqual(
    (["x25519", "p256", "x25519-mlkem768"] as const).map((kex) => handshakeUnits(kex, group)),
    [1, 2, 2],
  );
  assert.deepEqual(
    (["ffdhe2048", "ffdhe3072", "ffdhe4096"] as const).map((name) => handshakeUnits("ffdhe", FFDHE_GROUPS[name])),
    [5, 10, 18],
  );
});

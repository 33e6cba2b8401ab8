// Tests for reading the crypto config: the finite-field group by name or hex, and the settings it yields.

import assert from "node:assert/strict";
import { cryptoSettings, groupFromConfig } from "./settings.ts";
import { bigintToBytes } from "./handshake_messages.ts";
import { hex } from "../bytes/mod.ts";
import { FFDHE_GROUPS } from "./primitives/ffdhe.ts";
import type { CryptoConfig } from "../config/schema.ts";

const P2048_HEX = hex(bigintToBytes(FFDHE_GROUPS.ffdhe2048.p));

Deno.test("groupFromConfig() returns the RFC 7919 group for each name", () => {
  for (const name of ["ffdhe2048", "ffdhe3072", "ffdhe4096"] as const) {
    assert.equal(groupFromConfig(name, 2), FFDHE_GROUPS[name]);
  }
});

Deno.test("groupFromConfig() throws a RangeError for a named group with another generator", () => {
  assert.throws(() => groupFromConfig("ffdhe2048", 5), {
    name: "RangeError",
    message: "ffdhe2048 has generator 2, not 5",
  });
});

Deno.test("groupFromConfig() reads a hexadecimal prime with or without 0x, in either case", () => {
  for (const text of [P2048_HEX, "0x" + P2048_HEX, "0X" + P2048_HEX.toUpperCase(), P2048_HEX.toUpperCase()]) {
    const group = groupFromConfig(text, 2);
    assert.equal(group.p, FFDHE_GROUPS.ffdhe2048.p);
    assert.equal(group.g, 2n);
    assert.equal(group.name, "custom");
  }
});

Deno.test("groupFromConfig() reads an odd number of hex digits as if a 0 led", () => {
  const digits = "1" + P2048_HEX; // 513 digits: a 2049-bit odd number
  assert.equal(digits.length % 2, 1);
  assert.equal(groupFromConfig(digits, 3).p, BigInt("0x" + digits));
  assert.equal(groupFromConfig("0x" + digits, 3).p, BigInt("0x" + digits));
});

Deno.test("groupFromConfig() keeps a custom generator", () => {
  assert.equal(groupFromConfig(P2048_HEX, 5).g, 5n);
});

Deno.test("groupFromConfig() does not take Object.prototype names for groups", () => {
  for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"]) {
    assert.throws(
      () => groupFromConfig(name, 2),
      { name: "RangeError", message: /expected ffdhe2048, ffdhe3072/ },
      name,
    );
  }
});

Deno.test("groupFromConfig() throws a RangeError naming the input for text that is not a name or hex", () => {
  for (const text of ["", "0x", "FFDHE2048", "ffdhe1024", "0x12 34", "-0x17", "12g4", " " + P2048_HEX]) {
    assert.throws(() => groupFromConfig(text, 2), { name: "RangeError", message: /expected ffdhe2048/ }, text);
  }
  assert.throws(() => groupFromConfig("z".repeat(100), 2), {
    message: `expected ffdhe2048, ffdhe3072, ffdhe4096 or a hexadecimal prime, got "${"z".repeat(40)}"`,
  });
});

Deno.test("groupFromConfig() throws a RangeError for a prime that is too small, even, or a bad generator", () => {
  assert.throws(() => groupFromConfig("0x17", 2), { name: "RangeError", message: /too small/ });
  assert.throws(() => groupFromConfig(P2048_HEX.slice(0, -1) + "e", 2), { name: "RangeError", message: /odd/ });
  assert.throws(() => groupFromConfig(P2048_HEX, 1), { name: "RangeError", message: /generator/ });
});

Deno.test("cryptoSettings() maps the config section onto preferences, group, record options and timeout", () => {
  const config: CryptoConfig = {
    kex: ["x25519"],
    aead: ["aes-128-gcm"],
    hash: ["sha384"],
    sig: ["ed25519"],
    modulus: "ffdhe3072",
    base: 2,
    padding: 32,
    rekeyAfterRecords: 1000,
    rekeyAfterBytes: 1 << 20,
    handshakeTimeoutMs: 5000,
  };
  assert.deepEqual(cryptoSettings(config), {
    preferences: { kex: ["x25519"], aead: ["aes-128-gcm"], hash: ["sha384"], sig: ["ed25519"] },
    group: FFDHE_GROUPS.ffdhe3072,
    records: { padding: 32, rekeyAfterRecords: 1000, rekeyAfterBytes: 1 << 20 },
    handshakeTimeoutMs: 5000,
  });
});

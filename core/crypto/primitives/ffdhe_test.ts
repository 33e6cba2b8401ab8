// FFDHE (RFC 7919): the named groups re-derived from the RFC's formula, custom-group checks, peer-value checks.

import assert from "node:assert/strict";
import { Field } from "@noble/curves/abstract/modular.js";
import { KexError } from "./errors.ts";
import { FFDHE_GROUPS, FFDHE_MAX_BITS, ffdheGroup } from "./ffdhe.ts";
import type { KexGroupParams } from "./types.ts";
import { PROVIDERS, seededRandom } from "./_test_utils.ts";

/** floor(2^bits * e), from e = sum 1/k! in fixed point with 64 guard bits. */
function eScaled(bits: number): bigint {
  const guard = 64n;
  const one = 1n << (BigInt(bits) + guard);
  let term = one;
  let sum = 0n;
  for (let k = 1n; term > 0n; k++) {
    sum += term;
    term /= k;
  }
  return sum >> guard;
}

/** Miller-Rabin with fixed bases (test code only), exponentiation by noble's Field(n).pow. */
function probablyPrime(n: bigint, bases: bigint[]): boolean {
  const field = Field(n);
  let d = n - 1n;
  let r = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    r++;
  }
  outer: for (const a of bases) {
    let x = field.pow(a, d);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < r; i++) {
      x = field.sqr(x);
      if (x === n - 1n) continue outer;
    }
    return false;
  }
  return true;
}

/** RFC 7919 Appendix A: b and X for p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1. */
const DERIVATION: Record<string, [bits: number, x: bigint]> = {
  ffdhe2048: [2048, 560316n],
  ffdhe3072: [3072, 2625351n],
  ffdhe4096: [4096, 5736041n],
};

for (const [name, group] of Object.entries(FFDHE_GROUPS)) {
  const [b, x] = DERIVATION[name];

  Deno.test(`${name}: p equals the RFC 7919 Appendix A formula with X = ${x}`, () => {
    const bb = BigInt(b);
    const expected = 2n ** bb - 2n ** (bb - 64n) + (eScaled(b - 130) + x) * 2n ** 64n - 1n;
    assert.equal(group.p, expected);
    assert.equal(group.g, 2n);
    assert.equal(group.name, name);
  });

  Deno.test(`${name}: p has exactly ${b} bits with its top and bottom 64 bits all ones`, () => {
    assert.equal(group.p.toString(2).length, b);
    const ones = 2n ** 64n - 1n;
    assert.equal(group.p & ones, ones);
    assert.equal(group.p >> BigInt(b - 64), ones);
  });

  Deno.test(`${name}: p and q = (p-1)/2 are probable primes and g = 2 generates the order-q subgroup`, () => {
    const q = (group.p - 1n) / 2n;
    assert.ok(probablyPrime(group.p, [2n, 3n]), "p");
    assert.ok(probablyPrime(q, [2n, 3n]), "q");
    assert.equal(Field(group.p).pow(2n, q), 1n); // p = 7 mod 8, so 2 is a quadratic residue
  });

  Deno.test(`${name}: passes ffdheGroup()'s checks`, () => {
    assert.deepEqual(ffdheGroup(group.p, group.g, name), group);
  });
}

Deno.test("ffdheGroup() refuses a group under 2048 bits with the exact message", () => {
  for (const bits of [1024, 2047]) {
    assert.throws(() => ffdheGroup(2n ** BigInt(bits - 1) + 1n, 2n), {
      name: "RangeError",
      message: `FFDHE group of ${bits} bits is too small: at least 2048 are required`,
    });
  }
  assert.throws(() => ffdheGroup(0n, 2n), {
    message: "FFDHE group of 0 bits is too small: at least 2048 are required",
  });
  assert.throws(() => ffdheGroup(-FFDHE_GROUPS.ffdhe2048.p, 2n), RangeError);
});

Deno.test("ffdheGroup() refuses an even modulus, a generator outside [2, p-2] and an oversized modulus", () => {
  const { p } = FFDHE_GROUPS.ffdhe2048;
  assert.throws(() => ffdheGroup(p + 1n, 2n), { message: "FFDHE group modulus must be odd" });
  for (const g of [0n, 1n, p - 1n, p]) {
    assert.throws(() => ffdheGroup(p, g), { message: "FFDHE group generator must satisfy 2 <= g <= p-2" });
  }
  assert.equal(ffdheGroup(p, p - 2n).g, p - 2n);
  assert.throws(() => ffdheGroup(2n ** BigInt(FFDHE_MAX_BITS) + 1n, 2n), /too large/);
  assert.throws(() => ffdheGroup(7 as never, 2n), TypeError);
});

Deno.test("ffdheGroup() names a custom group by its size unless told otherwise", () => {
  const { p } = FFDHE_GROUPS.ffdhe2048;
  assert.equal(ffdheGroup(p, 5n).name, "ffdhe-custom-2048");
  assert.equal(ffdheGroup(p, 5n, "site").name, "site");
});

for (const provider of PROVIDERS) {
  const p = provider.name;
  const group = FFDHE_GROUPS.ffdhe2048;
  const kex = () => provider.kex("ffdhe", group);
  const encode = (n: bigint, length = 256) => {
    const out = new Uint8Array(length);
    for (let i = length - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
    return out;
  };
  const range = "FFDHE share is out of range (must be 1 < Y < p-1)";

  Deno.test(`${p}: ffdhe refuses Y = 0, 1, p-1, p and p+1 on both sides (RFC 7919 §5.1)`, async () => {
    for (const y of [0n, 1n, group.p - 1n, group.p, group.p + 1n]) {
      await assert.rejects(kex().respond(encode(y)), new KexError(range));
      const client = await kex().start();
      await assert.rejects(client.finish(encode(y)), new KexError(range));
    }
    await kex().respond(encode(2n)); // the smallest value allowed
    await kex().respond(encode(group.p - 2n)); // and the largest
  });

  Deno.test(`${p}: ffdhe refuses a share that is not exactly the byte length of p`, async () => {
    const client = await kex().start();
    const server = await kex().respond(client.share);
    for (const share of [server.share.subarray(1), new Uint8Array([0, ...server.share])]) {
      await assert.rejects(kex().respond(share), new KexError(`FFDHE share must be 256 bytes, got ${share.length}`));
    }
  });

  Deno.test(`${p}: ffdhe shares and secrets are left-padded to the byte length of p (RFC 8446 §7.4.1)`, async () => {
    for (const [name, named] of Object.entries(FFDHE_GROUPS) as [string, KexGroupParams][]) {
      const client = await provider.kex("ffdhe", named).start(seededRandom(name));
      const server = await provider.kex("ffdhe", named).respond(client.share, seededRandom(`${name}/s`));
      const bytes = named.p.toString(16).length / 2;
      assert.equal(client.share.length, bytes);
      assert.equal(server.share.length, bytes);
      assert.deepEqual(await client.finish(server.share), server.sharedSecret);
      assert.equal(server.sharedSecret.length, bytes);
    }
  });

  Deno.test(`${p}: ffdhe needs a group, and only ffdhe takes one`, () => {
    assert.throws(() => provider.kex("ffdhe"), TypeError);
    assert.throws(() => provider.kex("x25519", group), TypeError);
    assert.throws(() => provider.kex("ffdhe", { p: 2n ** 1023n + 1n, g: 2n, name: "weak" }), RangeError);
  });

  Deno.test(`${p}: ffdhe refuses a RandomSource that only ever returns all-ones`, async () => {
    await assert.rejects(kex().start((n) => new Uint8Array(n).fill(0xff)), /RandomSource keeps returning all-ones/);
  });
}

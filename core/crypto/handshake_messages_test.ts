// Tests for the handshake message encoders and their strict parsers: byte layout, limits and every refusal.

import assert from "node:assert/strict";
import { decodeValue, encodeValue, type Value } from "../codec/value.ts";
import { HandshakeError, type HandshakeFailure } from "./errors.ts";
import {
  bigintToBytes,
  bytesToBigint,
  type ClientHello,
  ContentType,
  encodeAlert,
  encodeClientFinished,
  encodeClientHello,
  encodeServerHello,
  encodeServerHelloBody,
  parseAlert,
  parseClientFinished,
  parseClientHello,
  parseServerHello,
  PROTOCOL_VERSION,
  RANDOM_BYTES,
  type ServerHelloBody,
} from "./handshake_messages.ts";
import { concatBytes, fromHex, hex, utf8 } from "../bytes/mod.ts";
import { FFDHE_GROUPS } from "./primitives/ffdhe.ts";

/** Asserts that `fn` throws a HandshakeError of `kind` whose message matches `message`, if given. */
function assertRefused(fn: () => unknown, kind: HandshakeFailure, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof HandshakeError, `expected a HandshakeError, got ${error}`);
    assert.equal(error.name, "HandshakeError");
    assert.equal(error.kind, kind, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** `text` as a RegExp that matches it literally. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A handshake frame payload around an arbitrary value: `0x01 || encodeValue(value)`. */
function handshake(value: Value): Uint8Array {
  return concatBytes(Uint8Array.of(ContentType.handshake), encodeValue(value));
}

/** A valid ClientHello body as a plain map, for tests to break one field at a time. */
function clientHelloMap(): Record<string, Value> {
  return {
    type: "client_hello",
    version: 1,
    random: new Uint8Array(32).fill(0xaa),
    kex: ["x25519", "p256"],
    aead: ["aes-256-gcm"],
    hash: ["sha256"],
    sig: ["ed25519"],
    shares: { x25519: new Uint8Array(32).fill(1), p256: new Uint8Array(65).fill(4) },
  };
}

/** A valid ServerHello body as a plain map. */
function serverBodyMap(): Record<string, Value> {
  return {
    version: 1,
    random: new Uint8Array(32).fill(0xbb),
    kex: "x25519",
    aead: "aes-256-gcm",
    hash: "sha256",
    sig: "ed25519",
    share: new Uint8Array(32).fill(2),
    identity: { ed25519: new Uint8Array(32).fill(3) },
    maxFrameBytes: 1048576,
  };
}

/** A ServerHello frame payload around a body map and a 64-byte signature. */
function serverHello(body: Value, signature: Uint8Array = new Uint8Array(64).fill(5)): Uint8Array {
  return handshake({ type: "server_hello", hello: encodeValue(body), signature });
}

// --- constants ---------------------------------------------------------------------------------------

Deno.test("ContentType numbers handshake 1, record 2 and alert 3; version 1; randoms are 32 bytes", () => {
  assert.deepEqual({ ...ContentType }, { handshake: 1, record: 2, alert: 3 });
  assert.equal(PROTOCOL_VERSION, 1);
  assert.equal(RANDOM_BYTES, 32);
});

// --- byte layout, worked out by hand from PROTOCOL.md §4 ---------------------------------------------

Deno.test("encodeClientFinished() writes 0x01 then the map {type, mac} byte for byte", () => {
  const expected = fromHex(
    [
      "01", // content type: handshake
      "08 00000002", // map of 2 entries
      "00000004 74797065", // key "type"
      "05 0000000f 636c69656e745f66696e6973686564", // string "client_finished"
      "00000003 6d6163", // key "mac"
      "06 00000003 c0ffee", // bytes c0ffee
    ].join("").replace(/\s+/g, ""),
  );
  assert.equal(hex(encodeClientFinished(fromHex("c0ffee"))), hex(expected));
});

Deno.test("encodeAlert() writes 0x03 then {code, message} and adds retryAfterMs only when given", () => {
  const expected = [
    "03", // content type: alert
    "08 00000002",
    "00000004 636f6465 05 00000001 78", // code: "x"
    "00000007 6d657373616765 05 00000001 79", // message: "y"
  ].join("").replace(/\s+/g, "");
  assert.equal(hex(encodeAlert({ code: "x", message: "y" })), expected);
  const withRetry = encodeAlert({ code: "x", message: "y", retryAfterMs: 1500 });
  assert.equal(
    hex(withRetry),
    expected.replace("0800000002", "0800000003") +
      "0000000c" + hex(utf8("retryAfterMs")) + "03" + "00000000000005dc",
  );
});

Deno.test("encodeClientHello() writes the fields in order, one share per offered kex, the group only with ffdhe", () => {
  const hello: ClientHello = {
    random: new Uint8Array(32).fill(9),
    offer: { kex: ["ffdhe", "x25519"], aead: ["chacha20-poly1305"], hash: ["sha384"], sig: ["ecdsa-p256"] },
    shares: new Map([["x25519", new Uint8Array(32).fill(1)], ["ffdhe", new Uint8Array(256).fill(2)]]),
    group: { p: 23n, g: 5n },
  };
  const payload = encodeClientHello(hello);
  assert.equal(payload[0], ContentType.handshake);
  const value = decodeValue(payload.subarray(1)) as Record<string, Value>;
  assert.deepEqual(Object.keys(value), ["type", "version", "random", "kex", "aead", "hash", "sig", "shares", "group"]);
  assert.deepEqual(value, {
    type: "client_hello",
    version: 1,
    random: new Uint8Array(32).fill(9),
    kex: ["ffdhe", "x25519"],
    aead: ["chacha20-poly1305"],
    hash: ["sha384"],
    sig: ["ecdsa-p256"],
    shares: { ffdhe: new Uint8Array(256).fill(2), x25519: new Uint8Array(32).fill(1) },
    group: { p: Uint8Array.of(23), g: Uint8Array.of(5) },
  });
  const withoutFfdhe = encodeClientHello({ ...hello, offer: { ...hello.offer, kex: ["x25519"] }, group: undefined });
  assert.equal("group" in (decodeValue(withoutFfdhe.subarray(1)) as Record<string, Value>), false);
});

Deno.test("encodeClientHello() throws a TypeError when an offered kex has no share", () => {
  assert.throws(
    () =>
      encodeClientHello({
        random: new Uint8Array(32),
        offer: { kex: ["x25519", "p256"], aead: ["aes-256-gcm"], hash: ["sha256"], sig: ["ed25519"] },
        shares: new Map([["x25519", new Uint8Array(32)]]),
      }),
    { name: "TypeError", message: "Cannot encode ClientHello: no share for p256" },
  );
});

Deno.test("encodeServerHelloBody() writes identity keys in ALGORITHMS order whatever the object's order", () => {
  const body: ServerHelloBody = {
    random: new Uint8Array(32),
    suite: { kex: "p256", aead: "aes-128-gcm", hash: "sha256", sig: "ecdsa-p256" },
    share: new Uint8Array(65),
    identity: { "ecdsa-p256": new Uint8Array(65).fill(4), ed25519: new Uint8Array(32).fill(7) },
    maxFrameBytes: 1 << 20,
  };
  const value = decodeValue(encodeServerHelloBody(body)) as Record<string, Value>;
  assert.deepEqual(Object.keys(value), [
    "version",
    "random",
    "kex",
    "aead",
    "hash",
    "sig",
    "share",
    "identity",
    "maxFrameBytes",
  ]);
  assert.deepEqual(Object.keys(value.identity as Record<string, Value>), ["ed25519", "ecdsa-p256"]);
});

// --- parseClientHello: accepted ----------------------------------------------------------------------

Deno.test("parseClientHello() returns the random, offer and shares of a valid hello", () => {
  const hello = parseClientHello(handshake(clientHelloMap()));
  assert.deepEqual(hello.random, new Uint8Array(32).fill(0xaa));
  assert.deepEqual(hello.offer, { kex: ["x25519", "p256"], aead: ["aes-256-gcm"], hash: ["sha256"], sig: ["ed25519"] });
  assert.deepEqual([...hello.shares.keys()], ["x25519", "p256"]);
  assert.equal(hello.group, undefined);
});

Deno.test("parseClientHello() reads the ffdhe group as big-endian integers", () => {
  const p = FFDHE_GROUPS.ffdhe2048.p;
  const map = {
    ...clientHelloMap(),
    kex: ["ffdhe"],
    shares: { ffdhe: new Uint8Array(256).fill(3) },
    group: { p: bigintToBytes(p), g: Uint8Array.of(2) },
  };
  assert.deepEqual(parseClientHello(handshake(map)).group, { p, g: 2n });
});

Deno.test("parseClientHello() ignores unknown algorithm names instead of refusing them", () => {
  const map = {
    ...clientHelloMap(),
    kex: ["kyber-9000", "x25519"],
    aead: ["aes-512-ocb", "aes-256-gcm", "toString"],
    hash: ["sha3-256", "sha256"],
    sig: ["rsa-pss", "ed25519", "__proto__"],
    // No share for the unknown kex: only known, offered exchanges need one.
    shares: { x25519: new Uint8Array(32).fill(1) },
  };
  const hello = parseClientHello(handshake(map));
  assert.deepEqual(hello.offer, { kex: ["x25519"], aead: ["aes-256-gcm"], hash: ["sha256"], sig: ["ed25519"] });
});

Deno.test("parseClientHello() accepts an offer list of exactly 16 entries", () => {
  const names = ["x25519", ...Array.from({ length: 15 }, (_, i) => `future-${i}`)];
  assert.deepEqual(parseClientHello(handshake({ ...clientHelloMap(), kex: names })).offer.kex, ["x25519"]);
});

Deno.test("parseClientHello() accepts a share of exactly 2048 bytes", () => {
  const map = { ...clientHelloMap(), shares: { x25519: new Uint8Array(2048), p256: new Uint8Array(65) } };
  assert.equal(parseClientHello(handshake(map)).shares.get("x25519")!.length, 2048);
});

// --- parseClientHello: refused -----------------------------------------------------------------------

Deno.test("parseClientHello() refuses an empty payload or another content type as unexpected_message", () => {
  const valid = handshake(clientHelloMap());
  assertRefused(() => parseClientHello(new Uint8Array(0)), "unexpected_message");
  for (const type of [0x00, ContentType.record, ContentType.alert]) {
    assertRefused(() => parseClientHello(concatBytes(Uint8Array.of(type), valid.subarray(1))), "unexpected_message");
  }
});

Deno.test("parseClientHello() refuses another handshake message as unexpected_message", () => {
  assertRefused(
    () => parseClientHello(encodeClientFinished(new Uint8Array(32))),
    "unexpected_message",
    /Expected client_hello, got "client_finished"/,
  );
});

Deno.test("parseClientHello() refuses a hello without a type as unexpected_message", () => {
  const { type: _type, ...rest } = clientHelloMap();
  assertRefused(() => parseClientHello(handshake(rest)), "unexpected_message");
});

Deno.test("parseClientHello() refuses another protocol version as unsupported_version", () => {
  for (const version of [0, 2, 255, "1", null]) {
    assertRefused(
      () => parseClientHello(handshake({ ...clientHelloMap(), version })),
      "unsupported_version",
      /Unsupported protocol version/,
    );
  }
  const { version: _version, ...rest } = clientHelloMap();
  assertRefused(() => parseClientHello(handshake(rest)), "unsupported_version");
});

Deno.test("parseClientHello() refuses a random that is not exactly 32 bytes", () => {
  for (const random of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33), "a".repeat(32), 7]) {
    assertRefused(() => parseClientHello(handshake({ ...clientHelloMap(), random })), "malformed", /random/);
  }
});

Deno.test("parseClientHello() refuses a repeated entry in any offer list", () => {
  for (
    const [part, list] of [
      ["kex", ["x25519", "p256", "x25519"]],
      ["aead", ["aes-256-gcm", "aes-256-gcm"]],
      ["hash", ["sha256", "sha384", "sha256"]],
      ["sig", ["ed25519", "ed25519"]],
    ] as const
  ) {
    assertRefused(
      () => parseClientHello(handshake({ ...clientHelloMap(), [part]: [...list] })),
      "malformed",
      new RegExp(`Offer ${part} has an invalid or repeated entry`),
    );
  }
});

Deno.test("parseClientHello() refuses a repeated unknown name too, before dropping unknown names", () => {
  const map = { ...clientHelloMap(), aead: ["aes-256-gcm", "future", "future"] };
  assertRefused(() => parseClientHello(handshake(map)), "malformed", /Offer aead/);
});

Deno.test("parseClientHello() refuses an offer list of more than 16 entries", () => {
  const names = ["x25519", ...Array.from({ length: 16 }, (_, i) => `future-${i}`)];
  assertRefused(
    () => parseClientHello(handshake({ ...clientHelloMap(), kex: names })),
    "malformed",
    /Offer kex must be a list of 1 to 16 names/,
  );
});

Deno.test("parseClientHello() refuses an empty, missing or non-list offer", () => {
  for (const bad of [[], "x25519", { x25519: true }, null]) {
    assertRefused(() => parseClientHello(handshake({ ...clientHelloMap(), sig: bad })), "malformed", /Offer sig/);
  }
  const { hash: _hash, ...rest } = clientHelloMap();
  assertRefused(() => parseClientHello(handshake(rest)), "malformed", /Offer hash/);
});

Deno.test("parseClientHello() refuses offer entries that are not strings or longer than 64 characters", () => {
  for (const bad of [1, null, utf8("x25519"), ["x25519"], "x".repeat(65)]) {
    assertRefused(
      () => parseClientHello(handshake({ ...clientHelloMap(), kex: ["x25519", bad] as Value })),
      "malformed",
      /Offer kex/,
    );
  }
  // 64 characters is still a (unknown, dropped) name.
  assert.deepEqual(parseClientHello(handshake({ ...clientHelloMap(), kex: ["x25519", "x".repeat(64)] })).offer.kex, [
    "x25519",
  ]);
});

Deno.test("parseClientHello() refuses a hello with no share for an offered kex", () => {
  const map = { ...clientHelloMap(), shares: { x25519: new Uint8Array(32) } };
  assertRefused(() => parseClientHello(handshake(map)), "malformed", /no valid share for p256/);
});

Deno.test("parseClientHello() refuses an empty share, a share over 2048 bytes or one that is not bytes", () => {
  for (const share of [new Uint8Array(0), new Uint8Array(2049), "share", [1, 2]]) {
    const map = { ...clientHelloMap(), shares: { x25519: share, p256: new Uint8Array(65) } };
    assertRefused(() => parseClientHello(handshake(map)), "malformed", /no valid share for x25519/);
  }
});

Deno.test("parseClientHello() refuses shares that are not a map", () => {
  for (const shares of [null, [new Uint8Array(32)], new Uint8Array(32)]) {
    assertRefused(
      () => parseClientHello(handshake({ ...clientHelloMap(), shares })),
      "malformed",
      /shares must be a map/,
    );
  }
});

Deno.test("parseClientHello() refuses ffdhe without a group, or with a group over 1024 bytes", () => {
  const ffdhe = { ...clientHelloMap(), kex: ["ffdhe"], shares: { ffdhe: new Uint8Array(256) } };
  assertRefused(() => parseClientHello(handshake(ffdhe)), "malformed", /ffdhe without a group/);
  assertRefused(() => parseClientHello(handshake({ ...ffdhe, group: "ffdhe2048" })), "malformed", /without a group/);
  assertRefused(
    () => parseClientHello(handshake({ ...ffdhe, group: { p: new Uint8Array(1025).fill(0xff), g: Uint8Array.of(2) } })),
    "malformed",
    /Field p/,
  );
  assertRefused(() => parseClientHello(handshake({ ...ffdhe, group: { p: new Uint8Array(256) } })), "malformed", /g/);
});

Deno.test("parseClientHello() refuses a body that is not a map", () => {
  for (const value of [null, true, 1, "client_hello", new Uint8Array(4), [clientHelloMap()]]) {
    assertRefused(() => parseClientHello(handshake(value)), "malformed", /client_hello must be a map/);
  }
});

Deno.test("parseClientHello() refuses every truncation of a valid hello", () => {
  const valid = handshake(clientHelloMap());
  for (let length = 1; length < valid.length; length++) {
    assertRefused(() => parseClientHello(valid.subarray(0, length)), "malformed", /Cannot decode client_hello/);
  }
});

Deno.test("parseClientHello() refuses trailing bytes after the hello", () => {
  const valid = handshake(clientHelloMap());
  assertRefused(() => parseClientHello(concatBytes(valid, Uint8Array.of(0))), "malformed", /Cannot decode/);
});

// --- parseServerHello ----------------------------------------------------------------------------------

Deno.test("parseServerHello() returns the signed bytes as received, the signature and the body", () => {
  const body = serverBodyMap();
  const parsed = parseServerHello(serverHello(body));
  assert.deepEqual(parsed.signedBody, encodeValue(body));
  assert.deepEqual(parsed.signature, new Uint8Array(64).fill(5));
  assert.deepEqual(parsed.body, {
    random: new Uint8Array(32).fill(0xbb),
    suite: { kex: "x25519", aead: "aes-256-gcm", hash: "sha256", sig: "ed25519" },
    share: new Uint8Array(32).fill(2),
    identity: { ed25519: new Uint8Array(32).fill(3) },
    maxFrameBytes: 1048576,
    group: undefined,
  });
});

Deno.test("parseServerHello() refuses a missing or out-of-range maxFrameBytes", () => {
  for (const value of [undefined, 1023, 67108865, 1.5, "1048576", 2n ** 40n]) {
    const body: Record<string, Value> = { ...serverBodyMap() };
    if (value === undefined) delete body.maxFrameBytes;
    else body.maxFrameBytes = value;
    assertRefused(() => parseServerHello(serverHello(body)), "malformed", /maxFrameBytes/);
  }
});

Deno.test("parseServerHello() reads an announced group and refuses one that is not a map of bytes", () => {
  const parsed = parseServerHello(
    serverHello({ ...serverBodyMap(), group: { p: Uint8Array.of(1, 0), g: Uint8Array.of(2) } }),
  );
  assert.deepEqual(parsed.body.group, { p: 256n, g: 2n });
  const groups: Value[] = [null, "ffdhe3072", { p: Uint8Array.of(1) }, { p: 7, g: Uint8Array.of(2) }];
  for (const group of groups) {
    assertRefused(() => parseServerHello(serverHello({ ...serverBodyMap(), group })), "malformed", /group|Field/);
  }
});

Deno.test("parseServerHello() reads what encodeServerHello() and encodeServerHelloBody() wrote", () => {
  const body: ServerHelloBody = {
    random: new Uint8Array(32).fill(1),
    suite: { kex: "ffdhe", aead: "chacha20-poly1305", hash: "sha384", sig: "ecdsa-p256" },
    share: new Uint8Array(256).fill(2),
    identity: { ed25519: new Uint8Array(32).fill(3), "ecdsa-p256": new Uint8Array(65).fill(4) },
    maxFrameBytes: 65536,
    group: { p: 0xffffffffffffffc5n, g: 2n },
  };
  const signedBody = encodeServerHelloBody(body);
  const payload = encodeServerHello(signedBody, new Uint8Array(64).fill(6));
  assert.deepEqual(
    decodeValue(payload.subarray(1)),
    { type: "server_hello", hello: signedBody, signature: new Uint8Array(64).fill(6) },
  );
  assert.deepEqual(parseServerHello(payload).body, body);
});

Deno.test("parseServerHello() refuses an identity entry with an unknown scheme name", () => {
  for (const name of ["rsa-pss", "ED25519", "toString", ""]) {
    const body = { ...serverBodyMap(), identity: { ed25519: new Uint8Array(32), [name]: new Uint8Array(32) } };
    assertRefused(
      () => parseServerHello(serverHello(body)),
      "malformed",
      new RegExp(`identity has an invalid entry ${escape(JSON.stringify(name))}$`),
    );
  }
});

Deno.test("parseServerHello() refuses an identity key that is not bytes or over 256 bytes, or no identity map", () => {
  for (const key of ["key", 1, new Uint8Array(257)]) {
    const body = { ...serverBodyMap(), identity: { ed25519: key } };
    assertRefused(() => parseServerHello(serverHello(body)), "malformed", /invalid entry "ed25519"/);
  }
  for (const identity of [null, [new Uint8Array(32)], new Uint8Array(32)]) {
    assertRefused(() => parseServerHello(serverHello({ ...serverBodyMap(), identity })), "malformed", /identity/);
  }
});

Deno.test("parseServerHello() refuses a choice that is not a known name of its category", () => {
  for (const [part, bad] of [["kex", "ed25519"], ["aead", "rot13"], ["hash", "md5"], ["sig", 1], ["kex", undefined]]) {
    const body: Record<string, Value> = { ...serverBodyMap() };
    if (bad === undefined) delete body[part as string];
    else body[part as string] = bad;
    assertRefused(() => parseServerHello(serverHello(body)), "malformed", new RegExp(`unknown ${part}`));
  }
});

Deno.test("parseServerHello() refuses a random of the wrong length and a share over 2048 bytes", () => {
  assertRefused(
    () => parseServerHello(serverHello({ ...serverBodyMap(), random: new Uint8Array(16) })),
    "malformed",
    /random/,
  );
  assertRefused(
    () => parseServerHello(serverHello({ ...serverBodyMap(), share: new Uint8Array(2049) })),
    "malformed",
    /share/,
  );
});

Deno.test("parseServerHello() refuses another version inside the signed body as unsupported_version", () => {
  assertRefused(() => parseServerHello(serverHello({ ...serverBodyMap(), version: 2 })), "unsupported_version");
});

Deno.test("parseServerHello() refuses a signature over 256 bytes and a signed body that is not bytes", () => {
  assertRefused(() => parseServerHello(serverHello(serverBodyMap(), new Uint8Array(257))), "malformed", /signature/);
  assertRefused(
    () => parseServerHello(handshake({ type: "server_hello", hello: serverBodyMap(), signature: new Uint8Array(64) })),
    "malformed",
    /Field hello must be bytes/,
  );
});

Deno.test("parseServerHello() refuses a signed body that is not a map or does not decode", () => {
  const outer = (hello: Uint8Array) => handshake({ type: "server_hello", hello, signature: new Uint8Array(64) });
  assertRefused(() => parseServerHello(outer(encodeValue(["x"]))), "malformed", /ServerHello body must be a map/);
  const body = encodeValue(serverBodyMap());
  assertRefused(
    () => parseServerHello(outer(body.subarray(0, body.length - 1))),
    "malformed",
    /Cannot decode ServerHello body/,
  );
});

Deno.test("parseServerHello() refuses a ClientHello or a Finished as unexpected_message", () => {
  assertRefused(() => parseServerHello(handshake(clientHelloMap())), "unexpected_message", /got "client_hello"/);
  assertRefused(() => parseServerHello(encodeClientFinished(new Uint8Array(32))), "unexpected_message");
  assertRefused(() => parseServerHello(encodeAlert({ code: "x", message: "y" })), "unexpected_message");
});

Deno.test("parseServerHello() refuses every truncation of a valid hello", () => {
  const valid = serverHello(serverBodyMap());
  for (let length = 1; length < valid.length; length++) {
    assertRefused(() => parseServerHello(valid.subarray(0, length)), "malformed");
  }
});

// --- parseClientFinished ------------------------------------------------------------------------------

Deno.test("parseClientFinished() returns the MAC, up to 64 bytes", () => {
  assert.deepEqual(parseClientFinished(encodeClientFinished(new Uint8Array(48).fill(1))), new Uint8Array(48).fill(1));
  assert.equal(parseClientFinished(encodeClientFinished(new Uint8Array(64))).length, 64);
});

Deno.test("parseClientFinished() refuses a MAC over 64 bytes, a missing MAC and a non-bytes MAC", () => {
  assertRefused(() => parseClientFinished(encodeClientFinished(new Uint8Array(65))), "malformed", /mac/);
  assertRefused(() => parseClientFinished(handshake({ type: "client_finished" })), "malformed", /mac/);
  assertRefused(() => parseClientFinished(handshake({ type: "client_finished", mac: "00" })), "malformed", /mac/);
});

Deno.test("parseClientFinished() refuses a ClientHello as unexpected_message and truncations as malformed", () => {
  assertRefused(() => parseClientFinished(handshake(clientHelloMap())), "unexpected_message");
  const valid = encodeClientFinished(new Uint8Array(32));
  for (let length = 1; length < valid.length; length++) {
    assertRefused(() => parseClientFinished(valid.subarray(0, length)), "malformed");
  }
});

// --- alerts -------------------------------------------------------------------------------------------

Deno.test("parseAlert() reads code, message and retryAfterMs", () => {
  assert.deepEqual(parseAlert(encodeAlert({ code: "rate_limited", message: "Slow down", retryAfterMs: 250 })), {
    code: "rate_limited",
    message: "Slow down",
    retryAfterMs: 250,
  });
});

Deno.test("parseAlert() turns a garbled or odd alert into code unknown with a generic message", () => {
  const generic = { code: "unknown", message: "The server closed the connection", retryAfterMs: undefined };
  assert.deepEqual(parseAlert(Uint8Array.of(ContentType.alert)), generic);
  assert.deepEqual(parseAlert(Uint8Array.of(ContentType.alert, 0x09)), generic);
  assert.deepEqual(parseAlert(concatBytes(Uint8Array.of(3), encodeValue(["not", "a", "map"]))), generic);
  assert.deepEqual(
    parseAlert(concatBytes(Uint8Array.of(3), encodeValue({ code: 7, message: null, retryAfterMs: "soon" }))),
    generic,
  );
});

// --- bigint helpers -------------------------------------------------------------------------------------

Deno.test("bigintToBytes() writes minimal big-endian bytes", () => {
  assert.equal(hex(bigintToBytes(0n)), "00");
  assert.equal(hex(bigintToBytes(1n)), "01");
  assert.equal(hex(bigintToBytes(255n)), "ff");
  assert.equal(hex(bigintToBytes(256n)), "0100");
  assert.equal(hex(bigintToBytes(0x0123456789abcdefn)), "0123456789abcdef");
  assert.equal(bigintToBytes(FFDHE_GROUPS.ffdhe2048.p).length, 256);
});

Deno.test("bigintToBytes() throws a RangeError for a negative integer", () => {
  assert.throws(() => bigintToBytes(-1n), RangeError);
});

Deno.test("bytesToBigint() reads big-endian bytes, ignoring leading zeros, empty as 0", () => {
  assert.equal(bytesToBigint(new Uint8Array(0)), 0n);
  assert.equal(bytesToBigint(fromHex("0000ff")), 255n);
  assert.equal(bytesToBigint(fromHex("0100")), 256n);
  assert.equal(bytesToBigint(bigintToBytes(FFDHE_GROUPS.ffdhe3072.p)), FFDHE_GROUPS.ffdhe3072.p);
});

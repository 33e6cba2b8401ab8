// Tests for the record layer: known-answer records built by hand, padding, tampering, classification and key updates.

import assert from "node:assert/strict";
import { gcm } from "@noble/ciphers/aes.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { expand } from "@noble/hashes/hkdf.js";
import { sha256, sha384 } from "@noble/hashes/sha2.js";
import { RecordError, type RecordFailure } from "./errors.ts";
import { InnerType, RECORD_OVERHEAD, RecordOpener, type RecordOptions, RecordSealer } from "./record.ts";
import { concatBytes, hex, utf8 } from "../bytes/mod.ts";
import { nobleProvider } from "./primitives/noble.ts";
import { syncNobleProvider as syncProvider } from "./primitives/_test_utils.ts";
import type { AeadId, HashId } from "./primitives/types.ts";
import type { Suite } from "./suites.ts";

const NO_REKEY: RecordOptions = { padding: 0, rekeyAfterRecords: 1_000_000, rekeyAfterBytes: 1 << 30 };

function suiteOf(aead: AeadId = "aes-256-gcm", hash: HashId = "sha256"): Suite {
  return { kex: "x25519", aead, hash, sig: "ed25519" };
}

function secretFor(hash: HashId, fill = 0x42): Uint8Array {
  return Uint8Array.from({ length: hash === "sha256" ? 32 : 48 }, (_, i) => (fill + i) & 0xff);
}

async function pair(
  options: Partial<RecordOptions> = {},
  aead: AeadId = "aes-256-gcm",
  hash: HashId = "sha256",
): Promise<{ sealer: RecordSealer; opener: RecordOpener; secret: Uint8Array }> {
  const secret = secretFor(hash);
  const suite = suiteOf(aead, hash);
  return {
    sealer: await RecordSealer.create(nobleProvider, suite, secret, { ...NO_REKEY, ...options }),
    opener: await RecordOpener.create(nobleProvider, suite, secret),
    secret,
  };
}

/** Seals one record and returns its only payload (no key update expected). */
async function sealOne(sealer: RecordSealer, body: Uint8Array, type: number = InnerType.data): Promise<Uint8Array> {
  const out = await sealer.seal(type, body);
  assert.equal(out.length, 1);
  return out[0];
}

async function assertRecordError(promise: Promise<unknown>, kind: RecordFailure): Promise<RecordError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof RecordError, `expected a RecordError ${kind}, got ${caught}`);
  assert.equal(caught.name, "RecordError");
  assert.equal(caught.kind, kind, caught.message);
  return caught;
}

// --- An independent record builder: PROTOCOL.md §9 typed out, with @noble/* called directly --------

const NOBLE_HASHES = { sha256, sha384 } as const;

/** HKDF-Expand-Label with the info written out field by field (key_schedule_test checks this layout). */
function handExpand(hash: HashId, secret: Uint8Array, label: string, length: number): Uint8Array {
  const fullLabel = utf8("mimi/1 " + label);
  const info = Uint8Array.of(length >> 8, length & 0xff, fullLabel.length, ...fullLabel, 0);
  return expand(NOBLE_HASHES[hash], secret, info, length);
}

/** Key and IV of a traffic secret. */
function handKeys(aead: AeadId, hash: HashId, secret: Uint8Array): { key: Uint8Array; iv: Uint8Array } {
  return {
    key: handExpand(hash, secret, "key", aead === "aes-128-gcm" ? 16 : 32),
    iv: handExpand(hash, secret, "iv", 12),
  };
}

/** Nonce: the IV with the big-endian 64-bit sequence number XORed into its last 8 bytes. */
function handNonce(iv: Uint8Array, seq: number): Uint8Array {
  const seqBytes = new Uint8Array(12);
  new DataView(seqBytes.buffer).setBigUint64(4, BigInt(seq));
  return iv.map((b, i) => b ^ seqBytes[i]);
}

/** AD: 0x02 || u64 seq || u32 ciphertext length (tag included). */
function handAd(seq: number, ciphertextLength: number): Uint8Array {
  const ad = new Uint8Array(13);
  ad[0] = 0x02;
  new DataView(ad.buffer).setBigUint64(1, BigInt(seq));
  new DataView(ad.buffer).setUint32(9, ciphertextLength);
  return ad;
}

/** Inner plaintext: type || u32 body length || body || zeros up to a multiple of `padding`. */
function handInner(type: number, body: Uint8Array, padding: number): Uint8Array {
  const block = padding > 1 ? padding : 1;
  const inner = new Uint8Array(Math.ceil((5 + body.length) / block) * block);
  inner[0] = type;
  new DataView(inner.buffer).setUint32(1, body.length);
  inner.set(body, 5);
  return inner;
}

/** Seals `inner` at `seq` with the AEAD called directly and prefixes the record content type. */
function handRecord(aead: AeadId, hash: HashId, secret: Uint8Array, seq: number, inner: Uint8Array): Uint8Array {
  const { key, iv } = handKeys(aead, hash, secret);
  const nonce = handNonce(iv, seq);
  const ad = handAd(seq, inner.length + 16);
  const cipher = aead === "chacha20-poly1305" ? chacha20poly1305(key, nonce, ad) : gcm(key, nonce, ad);
  return concatBytes(Uint8Array.of(0x02), cipher.encrypt(inner));
}

// --- known answers ---------------------------------------------------------------------------------

for (const aead of ["aes-256-gcm", "chacha20-poly1305", "aes-128-gcm"] as const) {
  for (const hash of ["sha256", "sha384"] as const) {
    Deno.test(`RecordSealer.seal() matches a record built by hand for ${aead}/${hash} at seq 0, 1 and 2`, async () => {
      const secret = secretFor(hash, 0x11);
      const sealer = await RecordSealer.create(nobleProvider, suiteOf(aead, hash), secret, {
        ...NO_REKEY,
        padding: 32,
      });
      const bodies = [utf8("hello"), Uint8Array.of(0), new Uint8Array(40).fill(0xee)];
      for (let seq = 0; seq < bodies.length; seq++) {
        const sealed = await sealOne(sealer, bodies[seq]);
        const expected = handRecord(aead, hash, secret, seq, handInner(InnerType.data, bodies[seq], 32));
        assert.equal(hex(sealed), hex(expected), `seq ${seq}`);
      }
    });
  }
}

Deno.test("RecordSealer.seal() puts content type 0x02 first and adds 22 bytes without padding", async () => {
  const { sealer } = await pair();
  const record = await sealOne(sealer, new Uint8Array(10));
  assert.equal(record[0], 0x02);
  assert.equal(record.length, 10 + RECORD_OVERHEAD);
  assert.equal(RECORD_OVERHEAD, 22);
});

Deno.test("RecordOpener.open() opens a record built by hand and returns its type and body", async () => {
  const secret = secretFor("sha384");
  const opener = await RecordOpener.create(nobleProvider, suiteOf("chacha20-poly1305", "sha384"), secret);
  const record = handRecord("chacha20-poly1305", "sha384", secret, 0, handInner(InnerType.data, utf8("hi"), 16));
  const { type, body } = await opener.open(record);
  assert.equal(type, InnerType.data);
  assert.deepEqual(body, utf8("hi"));
});

// --- padding --------------------------------------------------------------------------------------

for (const padding of [0, 1, 32, 4096]) {
  Deno.test(`RecordSealer pads the inner plaintext to a multiple of ${padding || "nothing"} (padding ${padding})`, async () => {
    const { sealer, opener } = await pair({ padding });
    for (const length of [1, 2, 26, 27, 28, 59, 100, 4091, 4092, 5000]) {
      const body = Uint8Array.from({ length }, (_, i) => (i * 7) & 0xff);
      const record = await sealOne(sealer, body);
      const innerLength = record.length - 1 - 16;
      const expected = padding > 1 ? Math.ceil((5 + length) / padding) * padding : 5 + length;
      assert.equal(innerLength, expected, `body ${length}`);
      const opened = await opener.open(record);
      assert.deepEqual(opened.body, body, `body ${length}`);
    }
  });
}

Deno.test("RecordOpener.open() accepts correct zero padding in a hand-built record (control for the next test)", async () => {
  const { opener, secret } = await pair();
  const inner = handInner(InnerType.data, utf8("abc"), 32);
  assert.equal(inner.length, 32);
  assert.deepEqual((await opener.open(handRecord("aes-256-gcm", "sha256", secret, 0, inner))).body, utf8("abc"));
});

Deno.test("RecordOpener.open() rejects a record whose padding holds a non-zero byte as malformed", async () => {
  for (const position of [8, 20, 31]) {
    const { opener, secret } = await pair();
    const inner = handInner(InnerType.data, utf8("abc"), 32);
    inner[position] = 0x01;
    await assertRecordError(opener.open(handRecord("aes-256-gcm", "sha256", secret, 0, inner)), "malformed");
  }
});

Deno.test("RecordOpener.open() rejects a body length that runs past the inner plaintext as malformed", async () => {
  const { opener, secret } = await pair();
  const inner = handInner(InnerType.data, utf8("abc"), 32);
  new DataView(inner.buffer).setUint32(1, 28); // 5 + 28 > 32
  await assertRecordError(opener.open(handRecord("aes-256-gcm", "sha256", secret, 0, inner)), "malformed");
});

Deno.test("RecordOpener.open() rejects an unknown inner type as malformed", async () => {
  for (const type of [0x00, 0x04, 0xff]) {
    const { opener, secret } = await pair();
    const record = handRecord("aes-256-gcm", "sha256", secret, 0, handInner(type, utf8("abc"), 0));
    const error = await assertRecordError(opener.open(record), "malformed");
    assert.match(error.message, new RegExp(`Unknown inner type ${type}`));
  }
});

Deno.test("RecordOpener.open() rejects a key_update record with content as malformed, and stays on the old key", async () => {
  const { opener, secret } = await pair();
  const record = handRecord("aes-256-gcm", "sha256", secret, 0, handInner(InnerType.keyUpdate, utf8("x"), 0));
  const error = await assertRecordError(opener.open(record), "malformed");
  assert.match(error.message, /key_update record must be empty/);
});

Deno.test("RecordOpener.open() rejects a close_notify record with content as malformed", async () => {
  const { opener, secret } = await pair();
  const record = handRecord("aes-256-gcm", "sha256", secret, 0, handInner(InnerType.closeNotify, utf8("bye"), 0));
  const error = await assertRecordError(opener.open(record), "malformed");
  assert.match(error.message, /close_notify record must be empty/);
});

Deno.test("RecordOpener.open() rejects an empty data record as malformed", async () => {
  const { opener, secret } = await pair();
  const record = handRecord("aes-256-gcm", "sha256", secret, 0, handInner(InnerType.data, new Uint8Array(0), 32));
  await assertRecordError(opener.open(record), "malformed");
});

Deno.test("RecordOpener.open() accepts empty key_update and close_notify records", async () => {
  const { opener, secret } = await pair();
  const update = await opener.open(
    handRecord("aes-256-gcm", "sha256", secret, 0, handInner(InnerType.keyUpdate, new Uint8Array(0), 32)),
  );
  assert.deepEqual([update.type, update.body.length], [InnerType.keyUpdate, 0]);
  const next = handExpand("sha256", secret, "traffic upd", 32);
  const close = await opener.open(
    handRecord("aes-256-gcm", "sha256", next, 0, handInner(InnerType.closeNotify, new Uint8Array(0), 0)),
  );
  assert.deepEqual([close.type, close.body.length], [InnerType.closeNotify, 0]);
});

// --- tampering and malformed input -------------------------------------------------------------------

Deno.test("RecordOpener.open() rejects a record with any byte flipped", async () => {
  const { sealer } = await pair();
  const record = await sealOne(sealer, utf8("twenty bytes of text"));
  for (let index = 0; index < record.length; index++) {
    const opener = await RecordOpener.create(nobleProvider, suiteOf(), secretFor("sha256"));
    const tampered = record.slice();
    tampered[index] ^= 0x01;
    // Byte 0 is the content type, checked before the AEAD; every other byte fails the tag.
    await assertRecordError(opener.open(tampered), index === 0 ? "malformed" : "tamper");
  }
});

Deno.test("RecordOpener.open() rejects a payload shorter than a record as malformed", async () => {
  for (const length of [0, 1, 21]) {
    const { opener } = await pair();
    const payload = new Uint8Array(length);
    if (length > 0) payload[0] = 0x02;
    await assertRecordError(opener.open(payload), "malformed");
  }
});

Deno.test("RecordOpener.open() rejects a truncated or extended record", async () => {
  const { sealer } = await pair();
  const record = await sealOne(sealer, utf8("some content"));
  for (const bad of [record.subarray(0, record.length - 1), concatBytes(record, Uint8Array.of(0))]) {
    const opener = await RecordOpener.create(nobleProvider, suiteOf(), secretFor("sha256"));
    await assertRecordError(opener.open(bad), "tamper");
  }
});

Deno.test("RecordOpener.open() rejects a valid record under another content type as malformed", async () => {
  const { sealer } = await pair();
  const record = await sealOne(sealer, utf8("x"));
  for (const type of [0x00, 0x01, 0x03]) {
    const opener = await RecordOpener.create(nobleProvider, suiteOf(), secretFor("sha256"));
    const relabelled = record.slice();
    relabelled[0] = type;
    await assertRecordError(opener.open(relabelled), "malformed");
  }
});

Deno.test("RecordOpener.open() refuses every record after a failure with the same error", async () => {
  const { sealer, opener } = await pair();
  const first = await sealOne(sealer, utf8("first"));
  const second = await sealOne(sealer, utf8("second"));
  const tampered = first.slice();
  tampered[5] ^= 0x80;
  const error = await assertRecordError(opener.open(tampered), "tamper");
  await assert.rejects(opener.open(first), (again: unknown) => again === error);
  await assert.rejects(opener.open(second), (again: unknown) => again === error);
});

Deno.test("RecordOpener.open() rejects a record sealed under another secret", async () => {
  const sealer = await RecordSealer.create(nobleProvider, suiteOf(), secretFor("sha256", 1), NO_REKEY);
  const opener = await RecordOpener.create(nobleProvider, suiteOf(), secretFor("sha256", 2));
  await assertRecordError(opener.open(await sealOne(sealer, utf8("x"))), "tamper");
});

// --- classification of failures (PROTOCOL.md §9.4) ------------------------------------------------------

Deno.test("RecordOpener.classify() calls an already-opened record a replay", async () => {
  const { sealer, opener } = await pair();
  const records = [];
  for (let i = 0; i < 4; i++) records.push(await sealOne(sealer, utf8(`record ${i}`)));
  await opener.open(records[0]);
  await opener.open(records[1]);
  await opener.open(records[2]);
  assert.equal(await opener.classify(records[2]), "replay");
  assert.equal(await opener.classify(records[0]), "replay");
  const error = await assertRecordError(
    opener.open(records[1], async (p) => (await opener.classify(p)) ?? "tamper"),
    "replay",
  );
  assert.match(error.message, /Record 3 failed to open \(replay\)/);
});

Deno.test("RecordOpener.classify() calls a record from ahead (one dropped or reordered) a reorder", async () => {
  const { sealer, opener } = await pair();
  const records = [];
  for (let i = 0; i < 5; i++) records.push(await sealOne(sealer, utf8(`record ${i}`)));
  await opener.open(records[0]);
  assert.equal(await opener.classify(records[2]), "reorder"); // records[1] was dropped
  assert.equal(await opener.classify(records[4]), "reorder");
  await assertRecordError(opener.open(records[2], async (p) => (await opener.classify(p)) ?? "tamper"), "reorder");
});

Deno.test("RecordOpener.classify() finds nothing for a tampered record or one beyond its window", async () => {
  const { sealer, opener } = await pair();
  const records = [];
  for (let i = 0; i < 12; i++) records.push(await sealOne(sealer, utf8(`record ${i}`)));
  const tampered = records[1].slice();
  tampered[3] ^= 1;
  assert.equal(await opener.classify(tampered), undefined);
  assert.equal(await opener.classify(records[10]), undefined); // 10 ahead, window 8
  assert.equal(await opener.classify(records[10], 10), "reorder");
});

Deno.test("RecordSealer.sealedRecently() recognises our own recent records coming back (reflection)", async () => {
  const { sealer } = await pair();
  const ours = [];
  for (let i = 0; i < 3; i++) ours.push(await sealOne(sealer, utf8(`ours ${i}`)));
  for (const record of ours) assert.equal(await sealer.sealedRecently(record), true);
  const other = await RecordSealer.create(nobleProvider, suiteOf(), secretFor("sha256", 7), NO_REKEY);
  assert.equal(await sealer.sealedRecently(await sealOne(other, utf8("theirs"))), false);
  // The peer's opener uses the other direction's key, so our reflected record fails there first.
  const peerOpener = await RecordOpener.create(nobleProvider, suiteOf(), secretFor("sha256", 7));
  await assertRecordError(
    peerOpener.open(ours[0], async (p) => (await sealer.sealedRecently(p)) ? "reflect" : "tamper"),
    "reflect",
  );
});

Deno.test("RecordSealer.sealedRecently() looks back only `window` records", async () => {
  const { sealer } = await pair();
  const first = await sealOne(sealer, utf8("old"));
  for (let i = 0; i < 4; i++) await sealOne(sealer, utf8("newer"));
  assert.equal(await sealer.sealedRecently(first, 4), false);
  assert.equal(await sealer.sealedRecently(first, 5), true);
});

// --- key updates --------------------------------------------------------------------------------------

Deno.test("RecordSealer.seal() appends a key update after rekeyAfterRecords records under one key", async () => {
  const { sealer } = await pair({ rekeyAfterRecords: 3 });
  const counts = [];
  for (let i = 0; i < 7; i++) counts.push((await sealer.seal(InnerType.data, utf8(`r${i}`))).length);
  // Records 1-2 under key 0, record 3 reaches the limit: key update; the key-update record counts too.
  assert.deepEqual(counts, [1, 1, 2, 1, 1, 2, 1]);
});

Deno.test("RecordSealer.seal() appends a key update after rekeyAfterBytes plaintext bytes under one key", async () => {
  const { sealer } = await pair({ rekeyAfterBytes: 100 });
  const counts = [];
  for (let i = 0; i < 6; i++) counts.push((await sealer.seal(InnerType.data, new Uint8Array(40))).length);
  assert.deepEqual(counts, [1, 1, 2, 1, 1, 2]);
});

Deno.test("RecordSealer.seal() never follows close_notify with a key update", async () => {
  const { sealer } = await pair({ rekeyAfterRecords: 1 });
  assert.equal((await sealer.seal(InnerType.closeNotify, new Uint8Array(0))).length, 1);
});

const SYNC_LIMITS = [
  ["records", { rekeyAfterRecords: 3, rekeyAfterBytes: 1 << 30 }],
  ["bytes", { rekeyAfterRecords: 1_000_000, rekeyAfterBytes: 200 }],
] as const;

for (const [limit, options] of SYNC_LIMITS) {
  Deno.test(`RecordSealer and RecordOpener stay in sync over 100 records with key updates by ${limit}`, async () => {
    const { sealer, opener } = await pair({ ...options, padding: 16 });
    // The sealer's rule, restated: after a record, update when this key has sealed enough records or bytes.
    let records = 0;
    let bytes = 0;
    let keyUpdates = 0;
    for (let i = 0; i < 100; i++) {
      const body = new Uint8Array(1 + i % 70).fill(i);
      const sealed = await sealer.seal(InnerType.data, body);
      records++;
      bytes += body.length;
      const due = records >= options.rekeyAfterRecords || bytes >= options.rekeyAfterBytes;
      assert.equal(sealed.length, due ? 2 : 1, `record ${i}`);
      const first = await opener.open(sealed[0]);
      assert.equal(first.type, InnerType.data);
      assert.deepEqual(first.body, body);
      if (due) {
        const update = await opener.open(sealed[1]);
        assert.equal(update.type, InnerType.keyUpdate);
        assert.equal(update.body.length, 0);
        keyUpdates++;
        records = 0;
        bytes = 0;
      }
    }
    // 100 records, 3 per key: 33 updates. By bytes, the rule above decides; make sure it fired often.
    if (limit === "records") assert.equal(keyUpdates, 33);
    else assert.ok(keyUpdates >= 10, `only ${keyUpdates} key updates`);
  });
}

Deno.test("RecordSealer uses a new key after a key update: skipping the update record breaks the stream", async () => {
  const { sealer, secret } = await pair({ rekeyAfterRecords: 1 });
  const [first, update] = await sealer.seal(InnerType.data, utf8("one"));
  assert.ok(update, "a key update follows the first record");
  const [second] = await sealer.seal(InnerType.data, utf8("two"));
  // Under epoch 1 the sequence number restarts at 0, with a key derived by "traffic upd".
  const nextSecret = handExpand("sha256", secret, "traffic upd", 32);
  assert.equal(hex(second), hex(handRecord("aes-256-gcm", "sha256", nextSecret, 0, handInner(1, utf8("two"), 0))));
  const opener = await RecordOpener.create(nobleProvider, suiteOf(), secret);
  await opener.open(first);
  await assertRecordError(opener.open(second), "tamper");
});

Deno.test("RecordSealer.seal() numbers records in call order even when calls overlap", async () => {
  const { sealer, opener } = await pair();
  const sealed = await Promise.all(Array.from({ length: 10 }, (_, i) => sealer.seal(InnerType.data, utf8(`n${i}`))));
  for (let i = 0; i < 10; i++) assert.deepEqual((await opener.open(sealed[i][0])).body, utf8(`n${i}`));
});

async function syncPair(options: Partial<RecordOptions> = {}) {
  const secret = secretFor("sha256");
  return {
    sealer: await RecordSealer.create(syncProvider, suiteOf(), secret, { ...NO_REKEY, ...options }),
    opener: await RecordOpener.create(syncProvider, suiteOf(), secret),
  };
}

Deno.test("RecordSealer.sealSync() and RecordOpener.openSync() give and take the same records as seal() and open()", async () => {
  const { sealer: asyncSealer, opener: asyncOpener } = await pair({ padding: 16 });
  const { sealer, opener } = await syncPair({ padding: 16 });
  for (let i = 0; i < 20; i++) {
    const body = new Uint8Array(1 + i * 7).fill(i);
    const record = sealer.sealSync(InnerType.data, body);
    assert.ok(record);
    assert.equal(hex(record), hex(await sealOne(asyncSealer, body)));
    assert.deepEqual(opener.openSync(record), { type: InnerType.data, body });
    assert.deepEqual((await asyncOpener.open(record)).body, body);
  }
});

Deno.test("RecordSealer.sealSync() and RecordOpener.openSync() decline keys without a synchronous form", async () => {
  const { sealer, opener } = await pair();
  assert.equal(sealer.sealSync(InnerType.data, utf8("x")), undefined);
  const record = await sealOne(sealer, utf8("x"));
  assert.equal(opener.openSync(record), undefined);
  assert.deepEqual((await opener.open(record)).body, utf8("x"));
});

Deno.test("RecordSealer.sealSync() leaves the record that reaches the key's limit to seal(), which adds the key update", async () => {
  const { sealer, opener } = await syncPair({ rekeyAfterRecords: 3 });
  const first = sealer.sealSync(InnerType.data, utf8("1"));
  const second = sealer.sealSync(InnerType.data, utf8("2"));
  assert.ok(first && second);
  assert.equal(sealer.sealSync(InnerType.data, utf8("3")), undefined);
  const [third, update] = await sealer.seal(InnerType.data, utf8("3"));
  assert.ok(update);
  const fourth = sealer.sealSync(InnerType.data, utf8("4"));
  assert.ok(fourth, "the next key seals synchronously again");
  for (const [record, body] of [[first, "1"], [second, "2"], [third, "3"]] as const) {
    assert.deepEqual(opener.openSync(record)?.body, utf8(body));
  }
  assert.equal(opener.openSync(update)?.type, InnerType.keyUpdate);
  // The next key is derived in the background: openSync() declines until it is, open() waits for it.
  assert.equal(opener.openSync(fourth), undefined);
  assert.deepEqual((await opener.open(fourth)).body, utf8("4"));
});

Deno.test("RecordSealer.sealSync() declines while a seal() is in progress, so sequence numbers follow call order", async () => {
  const { sealer, opener } = await syncPair();
  const pending = sealer.seal(InnerType.data, utf8("first"));
  assert.equal(sealer.sealSync(InnerType.data, utf8("second")), undefined);
  const [first] = await pending;
  const second = sealer.sealSync(InnerType.data, utf8("second"));
  assert.ok(second);
  assert.deepEqual(opener.openSync(first)?.body, utf8("first"));
  assert.deepEqual(opener.openSync(second)?.body, utf8("second"));
});

Deno.test("RecordOpener.openSync() leaves a record that fails to open to open(), which classifies it", async () => {
  const { sealer, opener } = await syncPair();
  const record = sealer.sealSync(InnerType.data, utf8("once"));
  assert.ok(record);
  assert.deepEqual(opener.openSync(record)?.body, utf8("once"));
  assert.equal(opener.openSync(record), undefined);
  await assertRecordError(
    opener.open(record, () => opener.classify(record).then((kind) => kind ?? "tamper")),
    "replay",
  );
  assert.throws(() => opener.openSync(record), RecordError);
});

Deno.test("RecordOpener.openSync() throws a malformed record that opened as RecordError at once", async () => {
  const { sealer, opener } = await syncPair();
  const record = sealer.sealSync(InnerType.keyUpdate, utf8("not empty"));
  assert.ok(record);
  assert.throws(() => opener.openSync(record), (error) => error instanceof RecordError && error.kind === "malformed");
});

Deno.test("RecordSealer.sealSync() leaves the headroom asked for before the payload, also with a key that ignores it", async () => {
  const { sealer: asyncSealer } = await pair();
  const { sealer } = await syncPair();
  const record = sealer.sealSync(InnerType.data, utf8("framed"), 4);
  assert.ok(record);
  assert.deepEqual(record.subarray(0, 4), new Uint8Array(4));
  assert.equal(hex(record.subarray(4)), hex(await sealOne(asyncSealer, utf8("framed"))));
});

Deno.test("RecordSealer.sealSync() frames envelopes given as FramedContent exactly as a body of encoded frames", async () => {
  const { sealer: asyncSealer } = await pair({ padding: 16 });
  const { sealer } = await syncPair({ padding: 16 });
  const payloads = [utf8("first"), utf8(""), utf8("third one"), utf8("not taken")];
  const body = concatBytes(...payloads.slice(0, 3).map((p) => concatBytes(new Uint8Array([0, 0, 0, p.length]), p)));
  const record = sealer.sealSync(InnerType.data, { payloads, count: 3, length: body.length });
  assert.ok(record);
  assert.equal(hex(record), hex(await sealOne(asyncSealer, body)));
});

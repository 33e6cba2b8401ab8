// Checks the handshake against tests/vectors/handshake_transcripts.json: seeded re-runs byte for byte (message by
// message, and as the two roles' functions over a duplex), and the recorded records opened with the recorded secrets.

import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeEnvelope, encodeEnvelope, type Envelope } from "../codec/envelope.ts";
import { decodeValue } from "../codec/value.ts";
import { encodeFrame } from "../codec/frame.ts";
import { readServerHello, writeClientFinished, writeClientHello } from "./handshake_client.ts";
import { readClientFinished, readClientHello, writeServerHello } from "./handshake_server.ts";
import { fingerprint, type ServerKeys } from "./identity.ts";
import { InnerType, RecordOpener, type RecordOptions, RecordSealer } from "./record.ts";
import { ALGORITHMS, type Suite, suiteName } from "./suites.ts";
import { concatBytes, fromHex, hex, utf8 } from "../bytes/mod.ts";
import { FFDHE_GROUPS } from "./primitives/ffdhe.ts";
import { nobleProvider } from "./primitives/noble.ts";
import type { RandomSource } from "./primitives/types.ts";
import { performClientHandshake, performServerHandshake } from "./perform_handshake.ts";
import type { Duplex } from "../transport/duplex.ts";
import { duplexPair } from "../transport/pair.ts";

interface KeyPairHex {
  secretKey: string;
  publicKey: string;
}

interface TranscriptVector {
  name: string;
  suite: Suite;
  seeds: { client: string; server: string; ed25519: string; "ecdsa-p256": string };
  serverKeys: { ed25519: KeyPairHex; "ecdsa-p256": KeyPairHex };
  clientHello: string;
  serverHello: string;
  clientFinished: string;
  secrets: { clientTraffic: string; serverTraffic: string; clientFinished: string; exporter: string };
  fingerprint: string;
  clientRecord: string;
  serverRecord: string;
}

interface TranscriptFile {
  group: keyof typeof FFDHE_GROUPS;
  maxFrameBytes: number;
  records: RecordOptions;
  clientEnvelope: Envelope & { hex: string };
  serverEnvelope: Envelope & { hex: string };
  vectors: TranscriptVector[];
}

const FILE: TranscriptFile = JSON.parse(
  await Deno.readTextFile(new URL("../../tests/vectors/handshake_transcripts.json", import.meta.url)),
);

/**
 * The vectors' RandomSource, defined as in tests/vectors/README.md and the generator: the stream
 * SHA-256(UTF-8(seed) || u32be 0) || SHA-256(UTF-8(seed) || u32be 1) || …; each call takes the next bytes.
 */
function seededRandom(seed: string): RandomSource {
  const seedBytes = utf8(seed);
  let counter = 0;
  let buffered = new Uint8Array(0);
  return (length) => {
    while (buffered.length < length) {
      const input = new Uint8Array(seedBytes.length + 4);
      input.set(seedBytes);
      new DataView(input.buffer).setUint32(seedBytes.length, counter++);
      const next = new Uint8Array(buffered.length + 32);
      next.set(buffered);
      next.set(sha256(input), buffered.length);
      buffered = next;
    }
    const out = buffered.slice(0, length);
    buffered = buffered.slice(length);
    return out;
  };
}

Deno.test("seededRandom() is SHA-256(seed || u32be counter) blocks read as one stream", () => {
  // Computed with Python: hashlib.sha256(b"abc" + (0).to_bytes(4, "big")) and the same with 1.
  const block0 = "cf2db1ac9867debdf8ce91f99f141e5544bf26ca36b3fd4f8e4035eec42cab0d";
  const block1 = "46c386ebccef82ba0bb0b095aaa5548b03cdff6951871c6fb505af68af688332";
  const random = seededRandom("abc");
  const first = hex(random(20));
  const second = hex(random(20));
  const third = hex(random(24));
  assert.equal(first + second + third, block0 + block1);
  assert.equal(hex(seededRandom("abc")(64)), block0 + block1);
  assert.equal(hex(seededRandom("abc")(0)), "");
});

Deno.test("handshake_transcripts.json holds each of the 48 suites exactly once, named after it", () => {
  assert.equal(FILE.vectors.length, 48);
  const names = FILE.vectors.map((v) => v.name);
  assert.equal(new Set(names).size, 48);
  for (const v of FILE.vectors) assert.equal(v.name, suiteName(v.suite));
  for (const kex of ALGORITHMS.kex) {
    for (const aead of ALGORITHMS.aead) {
      for (const hash of ALGORITHMS.hash) {
        for (const sig of ALGORITHMS.sig) assert.ok(names.includes(suiteName({ kex, aead, hash, sig })));
      }
    }
  }
  assert.equal(hex(encodeEnvelope(FILE.clientEnvelope)), FILE.clientEnvelope.hex);
  assert.equal(hex(encodeEnvelope(FILE.serverEnvelope)), FILE.serverEnvelope.hex);
});

for (const v of FILE.vectors) {
  Deno.test(`handshake with seeded randomness reproduces ${v.name} byte for byte`, async () => {
    const provider = nobleProvider;
    const group = FFDHE_GROUPS[FILE.group];
    const keys: ServerKeys = {
      ed25519: provider.signature("ed25519").generateKeyPair(seededRandom(v.seeds.ed25519)),
      "ecdsa-p256": provider.signature("ecdsa-p256").generateKeyPair(seededRandom(v.seeds["ecdsa-p256"])),
    };
    for (const sig of ALGORITHMS.sig) {
      assert.equal(hex(keys[sig]!.secretKey), v.serverKeys[sig].secretKey, `${sig} secret key`);
      assert.equal(hex(keys[sig]!.publicKey), v.serverKeys[sig].publicKey, `${sig} public key`);
    }
    const sent = await writeClientHello({
      provider,
      offer: { kex: [v.suite.kex], aead: [v.suite.aead], hash: [v.suite.hash], sig: [v.suite.sig] },
      group,
      random: seededRandom(v.seeds.client),
    });
    assert.equal(hex(sent.payload), v.clientHello, "ClientHello");
    const server = {
      provider,
      accept: ALGORITHMS,
      group,
      keys,
      maxFrameBytes: FILE.maxFrameBytes,
      random: seededRandom(v.seeds.server),
    };
    const serverSent = await writeServerHello(server, readClientHello(server, sent.payload));
    assert.equal(hex(serverSent.payload), v.serverHello, "ServerHello");
    const result = await readServerHello(sent, serverSent.payload);
    const finished = writeClientFinished(sent, result, serverSent.payload);
    assert.equal(hex(finished), v.clientFinished, "ClientFinished");
    readClientFinished(server, serverSent, finished);
    assert.deepEqual(result.suite, v.suite);
    for (const secrets of [result.secrets, serverSent.secrets]) {
      assert.equal(hex(secrets.clientTraffic), v.secrets.clientTraffic, "clientTraffic");
      assert.equal(hex(secrets.serverTraffic), v.secrets.serverTraffic, "serverTraffic");
      assert.equal(hex(secrets.clientFinished), v.secrets.clientFinished, "clientFinished");
      assert.equal(hex(secrets.exporter), v.secrets.exporter, "exporter");
    }
    assert.equal(result.fingerprint, v.fingerprint);

    const up = await RecordSealer.create(provider, v.suite, result.secrets.clientTraffic, FILE.records);
    const down = await RecordSealer.create(provider, v.suite, serverSent.secrets.serverTraffic, FILE.records);
    const [clientRecord] = await up.seal(InnerType.data, encodeFrame(fromHex(FILE.clientEnvelope.hex)));
    const [serverRecord] = await down.seal(InnerType.data, encodeFrame(fromHex(FILE.serverEnvelope.hex)));
    assert.equal(hex(clientRecord), v.clientRecord, "client record");
    assert.equal(hex(serverRecord), v.serverRecord, "server record");
  });

  Deno.test(`performClientHandshake() and performServerHandshake() put ${v.name} on the wire byte for byte`, async () => {
    const provider = nobleProvider;
    const group = FFDHE_GROUPS[FILE.group];
    const keys: ServerKeys = {
      ed25519: provider.signature("ed25519").generateKeyPair(seededRandom(v.seeds.ed25519)),
      "ecdsa-p256": provider.signature("ecdsa-p256").generateKeyPair(seededRandom(v.seeds["ecdsa-p256"])),
    };
    const [c, s] = duplexPair();
    const wire = { c2s: [] as string[], s2c: [] as string[] };
    const tap = (duplex: Duplex, sent: string[]): Duplex => ({
      read: () => duplex.read(),
      write(payload) {
        sent.push(hex(payload));
        duplex.write(payload);
      },
      close: () => duplex.close(),
    });
    const [client, server] = await Promise.all([
      performClientHandshake(tap(c, wire.c2s), {
        provider,
        offer: { kex: [v.suite.kex], aead: [v.suite.aead], hash: [v.suite.hash], sig: [v.suite.sig] },
        group,
        random: seededRandom(v.seeds.client),
        records: FILE.records,
        maxFrameBytes: FILE.maxFrameBytes,
        handshakeTimeoutMs: 60_000,
        verify: () => {},
      }),
      performServerHandshake(tap(s, wire.s2c), {
        provider,
        accept: ALGORITHMS,
        group,
        keys,
        maxFrameBytes: FILE.maxFrameBytes,
        random: seededRandom(v.seeds.server),
        records: FILE.records,
      }),
    ]);
    assert.equal(hex(server.exporter), v.secrets.exporter);
    client.duplex.write(fromHex(FILE.clientEnvelope.hex));
    assert.equal(hex((await server.duplex.read())!), FILE.clientEnvelope.hex);
    server.duplex.write(fromHex(FILE.serverEnvelope.hex));
    assert.equal(hex((await client.duplex.read())!), FILE.serverEnvelope.hex);
    assert.deepEqual(wire.c2s, [v.clientHello, v.clientFinished, v.clientRecord]);
    assert.deepEqual(wire.s2c, [v.serverHello, v.serverRecord]);
    await Promise.all([client.duplex.close(), server.duplex.close()]);
  });

  Deno.test(`recorded records of ${v.name} open with the recorded secrets to the echo envelope`, async () => {
    const cases = [
      [v.secrets.clientTraffic, v.clientRecord, FILE.clientEnvelope],
      [v.secrets.serverTraffic, v.serverRecord, FILE.serverEnvelope],
    ] as const;
    for (const [secret, record, envelope] of cases) {
      const opener = await RecordOpener.create(nobleProvider, v.suite, fromHex(secret));
      const payload = fromHex(record);
      // Padding 32: the inner plaintext, and so the ciphertext less its tag, is a multiple of 32 bytes.
      assert.equal((payload.length - 1 - 16) % FILE.records.padding, 0);
      const { type, body } = await opener.open(payload);
      assert.equal(type, InnerType.data);
      assert.equal(hex(body), hex(encodeFrame(fromHex(envelope.hex))));
      const { opcode, id, body: value } = decodeEnvelope(body.subarray(4));
      assert.deepEqual({ opcode, id, body: value }, { opcode: envelope.opcode, id: envelope.id, body: envelope.body });
    }
  });

  Deno.test(`recorded messages of ${v.name} agree with its recorded Finished secret and fingerprint`, () => {
    // Independent of a re-run: TH = H(ClientHello || ServerHello), and the Finished carries HMAC(c_finished, TH).
    const hash = nobleProvider.hash(v.suite.hash);
    const transcript = hash.digest(concatBytes(fromHex(v.clientHello), fromHex(v.serverHello)));
    const { mac } = decodeValue(fromHex(v.clientFinished).subarray(1)) as { mac: Uint8Array };
    assert.equal(hex(mac), hex(hash.hmac(fromHex(v.secrets.clientFinished), transcript)));
    const identity = {
      ed25519: fromHex(v.serverKeys.ed25519.publicKey),
      "ecdsa-p256": fromHex(v.serverKeys["ecdsa-p256"].publicKey),
    };
    assert.equal(fingerprint(nobleProvider, identity), v.fingerprint);
  });
}

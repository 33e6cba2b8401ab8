// Writes handshake_transcripts.json: one seeded handshake and one record each way for every one of the 48 suites.
//
// Run from the repository root: deno run -A tests/vectors/generate_handshake_transcripts.ts
// These are regression vectors produced by this implementation (see README.md), not independent ones.

import { sha256 } from "@noble/hashes/sha2.js";
import { encodeEnvelope, type Envelope } from "../../core/codec/envelope.ts";
import { encodeFrame } from "../../core/codec/frame.ts";
import { readServerHello, writeClientFinished, writeClientHello } from "../../core/crypto/handshake_client.ts";
import { readClientFinished, readClientHello, writeServerHello } from "../../core/crypto/handshake_server.ts";
import type { ServerKeys } from "../../core/crypto/identity.ts";
import { InnerType, type RecordOptions, RecordSealer } from "../../core/crypto/record.ts";
import { ALGORITHMS, type Suite, suiteName } from "../../core/crypto/suites.ts";
import { hex, utf8 } from "../../core/bytes/mod.ts";
import { FFDHE_GROUPS } from "../../core/crypto/primitives/ffdhe.ts";
import { nobleProvider } from "../../core/crypto/primitives/noble.ts";
import type { RandomSource } from "../../core/crypto/primitives/types.ts";

/**
 * The vectors' RandomSource (README.md, "The RandomSource"): the stream
 * SHA-256(seed || u32be 0) || SHA-256(seed || u32be 1) || …, seed = UTF-8 of `seed`;
 * each call returns the next `length` bytes of the stream. core/crypto/handshake_vectors_test.ts defines the same.
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

/** The seeds of one vector, all derived from its name. */
function seedsFor(name: string): { client: string; server: string; ed25519: string; "ecdsa-p256": string } {
  return {
    client: `${name} client`,
    server: `${name} server`,
    ed25519: `${name} key ed25519`,
    "ecdsa-p256": `${name} key ecdsa-p256`,
  };
}

const GROUP_NAME = "ffdhe2048";
/** The frame limit the vectors' server announces in its ServerHello (PROTOCOL.md §7.3). */
const MAX_FRAME_BYTES = 1_048_576;
const RECORDS: RecordOptions = { padding: 32, rekeyAfterRecords: 1_048_576, rekeyAfterBytes: 1_073_741_824 };
const REQUEST: Envelope = { opcode: 0x0002, id: 1, body: { text: "Hello, Mimi" } };
const RESPONSE: Envelope = { opcode: 0x0002, id: 1, body: { text: "Hello, Mimi" } };

const SUITES: Suite[] = ALGORITHMS.kex.flatMap((kex) =>
  ALGORITHMS.aead.flatMap((aead) =>
    ALGORITHMS.hash.flatMap((hash) => ALGORITHMS.sig.map((sig) => ({ kex, aead, hash, sig })))
  )
);

async function vector(suite: Suite) {
  const provider = nobleProvider;
  const group = FFDHE_GROUPS[GROUP_NAME];
  const name = suiteName(suite);
  const seeds = seedsFor(name);
  const keys: ServerKeys = {
    ed25519: provider.signature("ed25519").generateKeyPair(seededRandom(seeds.ed25519)),
    "ecdsa-p256": provider.signature("ecdsa-p256").generateKeyPair(seededRandom(seeds["ecdsa-p256"])),
  };
  const sent = await writeClientHello({
    provider,
    offer: { kex: [suite.kex], aead: [suite.aead], hash: [suite.hash], sig: [suite.sig] },
    group,
    random: seededRandom(seeds.client),
  });
  const server = {
    provider,
    accept: ALGORITHMS,
    group,
    keys,
    maxFrameBytes: MAX_FRAME_BYTES,
    random: seededRandom(seeds.server),
  };
  const serverSent = await writeServerHello(server, readClientHello(server, sent.payload));
  const result = await readServerHello(sent, serverSent.payload);
  const finished = writeClientFinished(sent, result, serverSent.payload);
  readClientFinished(server, serverSent, finished);

  const up = await RecordSealer.create(provider, suite, result.secrets.clientTraffic, RECORDS);
  const down = await RecordSealer.create(provider, suite, serverSent.secrets.serverTraffic, RECORDS);
  const [clientRecord] = await up.seal(InnerType.data, encodeFrame(encodeEnvelope(REQUEST)));
  const [serverRecord] = await down.seal(InnerType.data, encodeFrame(encodeEnvelope(RESPONSE)));

  return {
    name,
    suite,
    seeds,
    serverKeys: {
      ed25519: { secretKey: hex(keys.ed25519!.secretKey), publicKey: hex(keys.ed25519!.publicKey) },
      "ecdsa-p256": { secretKey: hex(keys["ecdsa-p256"]!.secretKey), publicKey: hex(keys["ecdsa-p256"]!.publicKey) },
    },
    clientHello: hex(sent.payload),
    serverHello: hex(serverSent.payload),
    clientFinished: hex(finished),
    secrets: {
      clientTraffic: hex(result.secrets.clientTraffic),
      serverTraffic: hex(result.secrets.serverTraffic),
      clientFinished: hex(result.secrets.clientFinished),
      exporter: hex(result.secrets.exporter),
    },
    fingerprint: result.fingerprint,
    clientRecord: hex(clientRecord),
    serverRecord: hex(serverRecord),
  };
}

/** Builds the whole file's content. */
async function generate() {
  const vectors = [];
  for (const suite of SUITES) vectors.push(await vector(suite));
  return {
    description:
      "Regression vectors of the Mimi handshake (PROTOCOL.md §7-9), produced by this implementation with nobleProvider. See README.md.",
    generator: "tests/vectors/generate_handshake_transcripts.ts",
    random:
      "SHA-256(UTF-8(seed) || u32be counter) blocks, counter from 0, concatenated; each call takes the next bytes",
    group: GROUP_NAME,
    maxFrameBytes: MAX_FRAME_BYTES,
    records: RECORDS,
    clientEnvelope: { ...REQUEST, hex: hex(encodeEnvelope(REQUEST)) },
    serverEnvelope: { ...RESPONSE, hex: hex(encodeEnvelope(RESPONSE)) },
    vectors,
  };
}

if (import.meta.main) {
  const out = new URL("./handshake_transcripts.json", import.meta.url);
  const data = await generate();
  await Deno.writeTextFile(out, JSON.stringify(data, null, 2) + "\n");
  console.log(`Wrote ${data.vectors.length} vectors to ${out.pathname}`);
}

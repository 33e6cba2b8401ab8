// The server's record layer in process: one seal and one open of an echo-sized record (a 64-byte value in an
// envelope), through node:crypto's AES-256-GCM alone and through the record layer around it. What it shows: the
// record layer adds little; node:crypto's per-record cipher object is the cost (bench/README.md, "Record path").

import { encodeEnvelope } from "../core/codec/envelope.ts";
import { detectProvider } from "../core/crypto/primitives/detect.ts";
import { InnerType, RecordOpener, RecordSealer } from "../core/crypto/record.ts";
import { withNodeAesGcm } from "../server/node_aead.ts";

const provider = withNodeAesGcm(await detectProvider());
const suite = { kex: "x25519", aead: "aes-256-gcm", hash: "sha256", sig: "ed25519" } as const;
const records = { padding: 0, rekeyAfterRecords: 2 ** 31, rekeyAfterBytes: 2 ** 50 };
// A fixed secret and nonce are acceptable in a benchmark only: nothing sealed here is ever sent.
const secret = new Uint8Array(32).fill(1);
const envelope = encodeEnvelope({ opcode: 0x0002, id: 7, body: new Uint8Array(64) });
const framed = { payloads: [envelope], count: 1, length: 4 + envelope.length };
const sealer = await RecordSealer.create(provider, suite, secret, records);
const opener = await RecordOpener.create(provider, suite, secret);
const key = await provider.aead("aes-256-gcm").importKey(secret);
const nonce = new Uint8Array(12);
const ad = new Uint8Array(13);
const inner = new Uint8Array(5 + framed.length);

Deno.bench("node:crypto AES-256-GCM seal + open", { group: "record", baseline: true }, () => {
  const sealed = key.sealSync!(nonce, inner, ad, 5);
  key.openSync!(nonce, sealed.subarray(5), ad);
});

Deno.bench("record layer seal + open (the same AEAD)", { group: "record" }, () => {
  // Headroom 4, as the TCP transport asks for its frame length.
  const record = sealer.sealSync(InnerType.data, framed, 4)!;
  opener.openSync(record.subarray(4));
});

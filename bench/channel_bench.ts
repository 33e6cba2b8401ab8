// A burst of envelopes for one connection: one record per flush (batched) against one record per envelope.

import { encodeEnvelope } from "../core/codec/envelope.ts";
import { SecureChannel } from "../core/crypto/channel.ts";
import { webCryptoProvider } from "../core/crypto/primitives/webcrypto.ts";
import type { Suite } from "../core/crypto/suites.ts";

const provider = await webCryptoProvider();
const suite: Suite = { kex: "x25519", aead: "aes-256-gcm", hash: "sha256", sig: "ed25519" };
const secret = new Uint8Array(32).fill(7);
const envelope = encodeEnvelope({
  opcode: 0x0002,
  id: 0,
  body: { room: 7, from: "alice", text: "大家好！今晚八点开会。", sentAt: 1_763_800_000_000 },
});
let written = 0;
const channel = await SecureChannel.create({
  provider,
  suite,
  sendSecret: secret,
  receiveSecret: secret,
  records: { padding: 32, rekeyAfterRecords: 2 ** 32, rekeyAfterBytes: 2 ** 40 },
  maxFrameBytes: 1 << 20,
  write: () => written++,
  onError: (error) => {
    throw error;
  },
});

Deno.bench("100 envelopes, one record each (baseline)", { group: "burst", baseline: true }, async (b) => {
  b.start();
  for (let i = 0; i < 100; i++) {
    channel.send(envelope);
    await channel.flushed();
  }
  b.end();
});
Deno.bench("100 envelopes sent in one tick: one record", { group: "burst" }, async (b) => {
  b.start();
  for (let i = 0; i < 100; i++) channel.send(envelope);
  await channel.flushed();
  b.end();
});

globalThis.addEventListener("unload", () => console.log(`records written: ${written}`));

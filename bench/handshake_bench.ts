// Handshake cost per key exchange and signature scheme, relative to X25519 + Ed25519, in one run (in memory, no sockets).
// Async benchmarks time themselves with b.start()/b.end(): deno bench's automatic timing under-reports work
// that waits on sockets or WebCrypto (seen here: a 1.2 ms handshake reported as 97 µs).

import { readServerHello, writeClientFinished, writeClientHello } from "../core/crypto/handshake_client.ts";
import { readClientFinished, readClientHello, writeServerHello } from "../core/crypto/handshake_server.ts";
import type { ServerKeys } from "../core/crypto/identity.ts";
import { FFDHE_GROUPS } from "../core/crypto/primitives/ffdhe.ts";
import { webCryptoProvider } from "../core/crypto/primitives/webcrypto.ts";
import type { KexId, SigId } from "../core/crypto/primitives/types.ts";
import { ALGORITHMS } from "../core/crypto/suites.ts";

const provider = await webCryptoProvider();
const keys: ServerKeys = {};
for (const sig of ALGORITHMS.sig) keys[sig] = provider.signature(sig).generateKeyPair();
const group = FFDHE_GROUPS.ffdhe3072;

async function handshake(kex: KexId, sig: SigId): Promise<void> {
  const offer = { kex: [kex], aead: ["aes-256-gcm" as const], hash: ["sha256" as const], sig: [sig] };
  const serverOptions = { provider, accept: offer, group, keys, maxFrameBytes: 1 << 20 };
  const sent = await writeClientHello({ provider, offer, group });
  const received = readClientHello(serverOptions, sent.payload);
  const serverSent = await writeServerHello(serverOptions, received);
  const result = await readServerHello(sent, serverSent.payload);
  readClientFinished(serverOptions, serverSent, writeClientFinished(sent, result, serverSent.payload));
}

for (const kex of ALGORITHMS.kex) {
  Deno.bench(`handshake ${kex}/ed25519`, { group: "kex", baseline: kex === "x25519" }, async (b) => {
    b.start();
    await handshake(kex, "ed25519");
    b.end();
  });
}
for (const sig of ALGORITHMS.sig) {
  Deno.bench(`handshake x25519/${sig}`, { group: "sig", baseline: sig === "ed25519" }, async (b) => {
    b.start();
    await handshake("x25519", sig);
    b.end();
  });
}

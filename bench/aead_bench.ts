// AES-256-GCM seal: noble (synchronous) against awaited WebCrypto, per record size, to place WEBCRYPTO_AEAD_MIN_BYTES.
//
// Measured with `deno bench bench/aead_bench.ts` on Deno 2.9.6 (V8 15.0), AMD EPYC, 2 cores, two runs;
// time per iteration of one AES-256-GCM seal with a 13-byte AD (noble includes its per-call key setup,
// WebCrypto includes the await):
//
//   size      noble (sync)    WebCrypto (awaited)   ratio (noble / WebCrypto)
//   64 B      16.6 / 15.8 µs  22.3 / 21.2 µs        0.74 / 0.75  noble faster
//   128 B     18.5 / 20.5 µs  20.7 / 21.9 µs        0.89 / 0.94  noble faster
//   256 B     23.6 / 22.1 µs  20.8 / 21.3 µs        1.13 / 1.04  WebCrypto faster
//   1 KiB     53.8 / 53.2 µs  22.7 / 21.4 µs        2.37 / 2.49
//   4 KiB     153 / 149 µs    25.6 / 39.5 µs        6.00 / 3.78
//   16 KiB    534 / 540 µs    45.5 / 43.8 µs        11.7 / 12.3
//   64 KiB    2.0 / 2.0 ms    124 / 126 µs          16.4 / 15.6
//
// Crossover: between 128 and 256 bytes (a finer 16-512 B run was noisy: the two stay within ±30% from
// 64 to 192 B). WebCrypto's cost is nearly flat up to 1 KiB (the await dominates); noble's grows with
// the record. Hence WEBCRYPTO_AEAD_MIN_BYTES = 256 in core/crypto/primitives/_webcrypto_aead.ts: records
// under 256 bytes stay synchronous on noble, larger ones go to WebCrypto. Re-run and update both after
// a Deno upgrade. Re-measured with explicit b.start()/b.end() timing (2026-11-22): 64 B noble 18 µs vs WebCrypto
// 14 µs, 256 B 31 vs 23 µs, 1 KiB 57 vs 15 µs, 64 KiB 1.9 ms vs 116 µs: the same crossover.

import { gcm } from "@noble/ciphers/aes.js";

const SIZES = [64, 128, 256, 1024, 4096, 16384, 65536];
const key = new Uint8Array(32).fill(7);
// A fixed nonce is acceptable in a benchmark only: nothing sealed here is ever sent.
const nonce = new Uint8Array(12);
const ad = new Uint8Array(13);
const cryptoKey = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);

for (const size of SIZES) {
  const plaintext = new Uint8Array(size).fill(1);
  const group = `seal ${size} B`;
  Deno.bench(`noble gcm ${size} B`, { group, baseline: true }, (b) => {
    b.start();
    gcm(key, nonce, ad).encrypt(plaintext);
    b.end();
  });
  // Explicit timing: deno bench's automatic timing under-reports awaited work (see bench/README.md).
  Deno.bench(`WebCrypto AES-GCM ${size} B`, { group }, async (b) => {
    b.start();
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: ad }, cryptoKey, plaintext);
    b.end();
  });
}

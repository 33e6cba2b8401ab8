// Real images for cross-layer tests, built byte by byte: a PNG of any size whose pixels do not compress, and headers
// that lie about their size.

import { sha256 } from "@noble/hashes/sha2.js";
import { be32, concat, ihdr, PNG_SIGNATURE, pngChunk, zlib } from "../core/protocol/_png_builder.ts";

/** The PNG signature and an IHDR for an 8-bit RGBA image of this size. */
export function pngHeader(width: number, height: number): Uint8Array {
  return concat(PNG_SIGNATURE, ihdr(width, height));
}

/**
 * A complete RGBA PNG whose pixels come from a seeded generator, so it hardly compresses: about 4 × width × height
 * bytes, several upload chunks for a few hundred pixels square.
 *
 * @param width Pixels across.
 * @param height Pixels down.
 * @param seed Makes different images of the same size.
 */
export async function noisyPng(width: number, height: number, seed = 1): Promise<Uint8Array> {
  const raw = new Uint8Array(height * (1 + 4 * width));
  // SHA-256 in counter mode: noise that is the same on every run.
  for (let at = 0, block = 0; at < raw.length; block++) {
    const noise = sha256(new Uint8Array([...be32(seed), ...be32(block)]));
    raw.set(noise.subarray(0, Math.min(noise.length, raw.length - at)), at);
    at += noise.length;
  }
  for (let y = 0; y < height; y++) raw[y * (1 + 4 * width)] = 0; // filter type None on every scanline
  return concat(pngHeader(width, height), pngChunk("IDAT", await zlib(raw)), pngChunk("IEND", new Uint8Array()));
}

/** A PNG whose header claims `width` × `height` and which holds no pixels: small, yet a huge image by its header. */
export function hollowPng(width: number, height: number): Uint8Array {
  return concat(pngHeader(width, height), pngChunk("IEND", new Uint8Array()));
}

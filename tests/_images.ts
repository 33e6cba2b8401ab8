// Real images for cross-layer tests, built byte by byte: a PNG of any size whose pixels do not compress, and headers
// that lie about their size.

import { sha256 } from "@noble/hashes/sha2.js";

/** CRC-32 of PNG chunks (W3C PNG annex D), bit by bit. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function be32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concat(new TextEncoder().encode(type), data);
  return concat(be32(data.length), typed, be32(crc32(typed)));
}

/** The PNG signature and an IHDR for an 8-bit RGBA image of this size. */
export function pngHeader(width: number, height: number): Uint8Array {
  return concat(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    chunk("IHDR", concat(be32(width), be32(height), [8, 6, 0, 0, 0])),
  );
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
  const stream = new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate"));
  const idat = new Uint8Array(await new Response(stream).arrayBuffer());
  return concat(pngHeader(width, height), chunk("IDAT", idat), chunk("IEND", new Uint8Array()));
}

/** A PNG whose header claims `width` × `height` and which holds no pixels: small, yet a huge image by its header. */
export function hollowPng(width: number, height: number): Uint8Array {
  return concat(pngHeader(width, height), chunk("IEND", new Uint8Array()));
}

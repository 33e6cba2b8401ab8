// Test images built byte by byte: the PNG pieces that core/protocol/image_test.ts and tests/_images.ts both assemble.
// Written from the W3C PNG specification, apart from the sniffer in image.ts, so each checks the other.

/** Joins byte arrays and plain lists of byte values. */
export function concat(...parts: (Uint8Array | readonly number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** `n` as four big-endian bytes. */
export const be32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

/** CRC-32 of PNG chunks (W3C PNG annex D), bit by bit with no table, so the sniffer's table is checked against it. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data and CRC (W3C PNG §5.3). */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concat(Uint8Array.from(type, (c) => c.charCodeAt(0)), data);
  return concat(be32(data.length), typed, be32(crc32(typed)));
}

/** The eight bytes every PNG starts with (W3C PNG §5.2). */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** An IHDR chunk: 8-bit RGBA without interlacing unless told otherwise (W3C PNG §11.2.2). */
export function ihdr(width: number, height: number, depth = 8, colour = 6, interlace = 0): Uint8Array {
  return pngChunk("IHDR", concat(be32(width), be32(height), [depth, colour, 0, 0, interlace]));
}

/** Bytes compressed as a zlib stream, as IDAT holds them. */
export async function zlib(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

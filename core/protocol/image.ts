// Recognises an image by its magic bytes and reads its dimensions from its header (PROTOCOL.md §15.3): PNG, JPEG, GIF
// and WebP. A name or a claimed type is never trusted; only the bytes are.

/** The image types Mimi accepts, as MIME types. */
export const IMAGE_MIMES = Object.freeze(["image/png", "image/jpeg", "image/gif", "image/webp"] as const);

/** One of {@linkcode IMAGE_MIMES}. */
export type ImageMime = typeof IMAGE_MIMES[number];

/** What the header of an image says: its type and its size in pixels (both at least 1). */
export interface ImageInfo {
  mime: ImageMime;
  width: number;
  height: number;
}

/**
 * Recognises an image by its magic bytes and reads its width and height from its header, without decoding pixels.
 *
 * The header must be complete and consistent: a PNG's IHDR chunk with its CRC, a JPEG's segments up to and including
 * its frame header (SOF), a GIF's logical screen descriptor, a WebP's first chunk header (`VP8 `, `VP8L` or `VP8X`).
 * Anything else (another format, a truncated or malformed header, a zero dimension) is refused. What comes after
 * the header is not looked at: a file whose pixel data is broken is still recognised, and a viewer will show it as
 * broken.
 *
 * @param bytes The file, or at least its beginning up to the end of its header.
 * @returns The type and dimensions, or `undefined` when the bytes are not one of the four image types.
 *
 * @example
 * ```ts
 * import { sniffImage } from "./image.ts";
 * const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 2, 0, 1, 0, 0, 0, 0]);
 * sniffImage(gif); // { mime: "image/gif", width: 2, height: 1 }
 * sniffImage(new TextEncoder().encode("GIF89a, says the file name")); // undefined
 * ```
 */
export function sniffImage(bytes: Uint8Array): ImageInfo | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return png(bytes);
  if (startsWith(bytes, JPEG_SOI)) return jpeg(bytes);
  if (startsWith(bytes, GIF87A) || startsWith(bytes, GIF89A)) return gif(bytes);
  if (startsWith(bytes, RIFF) && startsWith(bytes.subarray(8), WEBP)) return webp(bytes);
  return undefined;
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const PNG_IHDR = ascii("IHDR");
const JPEG_SOI = Uint8Array.of(0xff, 0xd8, 0xff);
const GIF87A = ascii("GIF87a");
const GIF89A = ascii("GIF89a");
const RIFF = ascii("RIFF");
const WEBP = ascii("WEBP");

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function u16be(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 8) | bytes[at + 1];
}

function u16le(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8);
}

function u24le(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
}

function u32be(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function u32le(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

/** The image, when both dimensions are at least 1. */
function sized(mime: ImageMime, width: number, height: number): ImageInfo | undefined {
  return width >= 1 && height >= 1 ? { mime, width, height } : undefined;
}

// PNG (RFC 2083 / W3C PNG §5.2-5.3, §11.2.2): the signature, then IHDR as the first chunk: length 13, type, width,
// height, bit depth, colour type, compression, filter, interlace, and the CRC of type and data.

/** Bit depths each PNG colour type allows (W3C PNG §11.2.2, table 11.1). */
const PNG_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** Signature (8) + length (4) + type (4) + IHDR data (13) + CRC (4). */
const PNG_HEADER_BYTES = 33;

function png(bytes: Uint8Array): ImageInfo | undefined {
  if (bytes.length < PNG_HEADER_BYTES) return undefined;
  if (u32be(bytes, 8) !== 13 || !startsWith(bytes.subarray(12), PNG_IHDR)) return undefined;
  // The CRC covers type and data; a header that passes it was written by a PNG encoder, not made up.
  if (crc32(bytes.subarray(12, 29)) !== u32be(bytes, 29)) return undefined;
  const width = u32be(bytes, 16);
  const height = u32be(bytes, 20);
  const [depth, colour, compression, filter, interlace] = bytes.subarray(24, 29);
  if (!PNG_DEPTHS[colour]?.includes(depth) || compression !== 0 || filter !== 0 || interlace > 1) return undefined;
  // §11.2.2: "zero is an invalid value", and the maximum is 2^31-1.
  if (width > 0x7fffffff || height > 0x7fffffff) return undefined;
  return sized("image/png", width, height);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG uses it (ISO 3309, polynomial 0xEDB88320 reflected; W3C PNG annex D). */
function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// JPEG (ITU-T T.81 §B.1.1.2-B.2.2): SOI, then marker segments (FF, marker, a length that counts itself) up to a
// frame header SOFn, whose payload is precision, height, width, and three bytes per component.

/** SOF0-3, 5-7, 9-11, 13-15: every frame header. C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not. */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const JPEG_SOS = 0xda;
const JPEG_EOI = 0xd9;

/** Markers without a length (T.81 §B.1.1.3): TEM and RST0-7. */
function standalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

function jpeg(bytes: Uint8Array): ImageInfo | undefined {
  let at = 2;
  while (at < bytes.length) {
    // Every segment starts with FF; anything else between segments is not a JPEG we read.
    if (bytes[at] !== 0xff) return undefined;
    // Any number of FF fill bytes may precede a marker (§B.1.1.2).
    while (at < bytes.length && bytes[at] === 0xff) at++;
    if (at >= bytes.length) return undefined;
    const marker = bytes[at++];
    if (standalone(marker)) continue;
    // Scan data or the end before any frame header: no size to read. A second SOI or a stuffed 00 is malformed.
    if (marker === JPEG_SOS || marker === JPEG_EOI || marker === 0xd8 || marker === 0x00) return undefined;
    if (at + 2 > bytes.length) return undefined;
    const length = u16be(bytes, at);
    if (length < 2 || at + length > bytes.length) return undefined;
    if (JPEG_SOF.has(marker)) {
      if (length < 8) return undefined;
      const precision = bytes[at + 2];
      const height = u16be(bytes, at + 3);
      const width = u16be(bytes, at + 5);
      const components = bytes[at + 7];
      if (![8, 12, 16].includes(precision) || components === 0 || length !== 8 + 3 * components) return undefined;
      // A height of 0 is defined later by a DNL segment (§B.2.5): not known from the header, so refused.
      return sized("image/jpeg", width, height);
    }
    at += length;
  }
  return undefined;
}

// GIF (GIF89a specification §17-18): the signature, then the logical screen descriptor: width and height (LE),
// packed fields, background colour index, pixel aspect ratio.

/** Header (6) + logical screen descriptor (7). */
const GIF_HEADER_BYTES = 13;

function gif(bytes: Uint8Array): ImageInfo | undefined {
  if (bytes.length < GIF_HEADER_BYTES) return undefined;
  return sized("image/gif", u16le(bytes, 6), u16le(bytes, 8));
}

// WebP (RFC 9649 §2-5): "RIFF", the file size less 8 (LE), "WEBP", then the first chunk: a FourCC and its size.

/** RIFF header (12) + chunk header (8). */
const WEBP_CHUNK_DATA = 20;

function webp(bytes: Uint8Array): ImageInfo | undefined {
  if (bytes.length < WEBP_CHUNK_DATA) return undefined;
  const riffSize = u32le(bytes, 4);
  const chunkSize = u32le(bytes, 16);
  // The first chunk must fit in the RIFF payload ("WEBP" + chunk header + data).
  if (riffSize < 4 + 8 + chunkSize) return undefined;
  const fourCC = String.fromCharCode(...bytes.subarray(12, 16));
  const data = bytes.subarray(WEBP_CHUNK_DATA);
  switch (fourCC) {
    case "VP8 ":
      return vp8(data, chunkSize);
    case "VP8L":
      return vp8l(data, chunkSize);
    case "VP8X":
      return vp8x(data, chunkSize);
    default:
      return undefined;
  }
}

/**
 * Lossy (RFC 6386 §9.1, §19.1): a 3-byte frame tag (key frame when bit 0 is clear, version ≤ 3, shown), the start
 * code 9D 01 2A, then 14-bit width and height each with a 2-bit scale above them.
 */
function vp8(data: Uint8Array, chunkSize: number): ImageInfo | undefined {
  if (chunkSize < 10 || data.length < 10) return undefined;
  const tag = data[0];
  const keyFrame = (tag & 1) === 0;
  const version = (tag >> 1) & 7;
  const shown = ((tag >> 4) & 1) === 1;
  if (!keyFrame || version > 3 || !shown) return undefined;
  if (data[3] !== 0x9d || data[4] !== 0x01 || data[5] !== 0x2a) return undefined;
  return sized("image/webp", u16le(data, 6) & 0x3fff, u16le(data, 8) & 0x3fff);
}

/** Lossless (RFC 9649 §3.2, §5.1): signature 2F, then 14 bits of width-1, 14 of height-1, alpha, version 0. */
function vp8l(data: Uint8Array, chunkSize: number): ImageInfo | undefined {
  if (chunkSize < 5 || data.length < 5 || data[0] !== 0x2f) return undefined;
  const bits = u32le(data, 1);
  if (bits >>> 29 !== 0) return undefined;
  return sized("image/webp", (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
}

/**
 * Extended (RFC 9649 §2.7): flags and reserved (4 bytes), then 24-bit canvas width-1 and height-1; the chunk is 10
 * bytes, and the canvas at most 2^32-1 pixels.
 */
function vp8x(data: Uint8Array, chunkSize: number): ImageInfo | undefined {
  if (chunkSize !== 10 || data.length < 10) return undefined;
  const width = u24le(data, 4) + 1;
  const height = u24le(data, 7) + 1;
  if (width * height > 0xffffffff) return undefined;
  return sized("image/webp", width, height);
}

// Tests of sniffImage(): real minimal images built here byte by byte, truncated and tampered headers, and garbage.

import assert from "node:assert/strict";
import { IMAGE_MIMES, type ImageInfo, sniffImage } from "./image.ts";
import { be32, concat, ihdr, PNG_SIGNATURE, pngChunk, zlib } from "./_png_builder.ts";

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

const le16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const le24 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff];
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

/** A complete RGBA PNG: every scanline filter type 0, pixels from a pattern, IDAT compressed with zlib. */
async function realPng(width: number, height: number): Promise<Uint8Array> {
  const raw = new Uint8Array(height * (1 + 4 * width));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * 4; x++) raw[y * (1 + 4 * width) + 1 + x] = (x * 37 + y * 11) & 0xff;
  }
  return concat(
    PNG_SIGNATURE,
    ihdr(width, height),
    pngChunk("IDAT", await zlib(raw)),
    pngChunk("IEND", new Uint8Array()),
  );
}

/** A complete 1×1 GIF89a with a two-colour table (the classic smallest GIF), its screen size set to the arguments. */
function realGif(width = 1, height = 1): Uint8Array {
  return concat(
    ascii("GIF89a"),
    le16(width),
    le16(height),
    [0x80, 0, 0], // global colour table of 2 entries, background 0, no aspect ratio
    [0, 0, 0, 0xff, 0xff, 0xff],
    [0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0], // image descriptor: at 0,0, 1×1, no local table
    [0x02, 0x02, 0x44, 0x01, 0x00], // LZW minimum code size 2, one data block, terminator
    [0x3b],
  );
}

/** JPEG segments up to the frame header, as an encoder writes them: SOI, APP0 (JFIF), a comment, DQT, SOFn. */
function jpegHeader(width: number, height: number, options: { sof?: number; components?: number } = {}): Uint8Array {
  const { sof = 0xc0, components = 3 } = options;
  const comment = ascii("made by a test");
  const sofData = [8, ...be32(height).slice(2), ...be32(width).slice(2), components];
  for (let c = 1; c <= components; c++) sofData.push(c, c === 1 ? 0x22 : 0x11, c === 1 ? 0 : 1);
  return concat(
    [0xff, 0xd8],
    [0xff, 0xe0, 0, 16, ...ascii("JFIF"), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0],
    [0xff, 0xfe, ...be32(comment.length + 2).slice(2)],
    comment,
    [0xff, 0xdb, 0, 67, 0],
    new Uint8Array(64).fill(1),
    [0xff, sof, ...be32(sofData.length + 2).slice(2), ...sofData],
  );
}

/** The header of a complete JPEG, then a scan and EOI (the scan data is not looked at). */
function realJpeg(width: number, height: number): Uint8Array {
  return concat(jpegHeader(width, height), [0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0], [0x12, 0x34], [0xff, 0xd9]);
}

function riff(chunks: Uint8Array): Uint8Array {
  return concat(ascii("RIFF"), le32(4 + chunks.length), ascii("WEBP"), chunks);
}

function webpChunk(fourCC: string, data: Uint8Array): Uint8Array {
  return concat(ascii(fourCC), le32(data.length), data, data.length % 2 ? [0] : []);
}

/** A lossy WebP: key frame, version 0, shown, partition size 0; the start code and the dimensions (scale 0). */
function webpLossy(width: number, height: number, tag = [0x10, 0, 0]): Uint8Array {
  return riff(webpChunk("VP8 ", concat(tag, [0x9d, 0x01, 0x2a], le16(width), le16(height), new Uint8Array(8))));
}

/** A lossless WebP: signature 2F and the packed width-1, height-1, alpha 0, version. */
function webpLossless(width: number, height: number, version = 0): Uint8Array {
  const bits = ((width - 1) | ((height - 1) << 14) | (version << 29)) >>> 0;
  return riff(webpChunk("VP8L", concat([0x2f], le32(bits), new Uint8Array(3))));
}

/** An extended WebP: VP8X with the canvas size, then the lossless image. */
function webpExtended(width: number, height: number, size = 10): Uint8Array {
  const vp8x = concat([0x10, 0, 0, 0], le24(width - 1), le24(height - 1), new Uint8Array(size - 10));
  return riff(concat(webpChunk("VP8X", vp8x), webpChunk("VP8L", concat([0x2f], le32(0), [0]))));
}

/** Images of every kind with the number of bytes their header takes (shorter prefixes must be refused). */
async function samples(): Promise<{ name: string; bytes: Uint8Array; header: number; info: ImageInfo }[]> {
  const jpegBytes = realJpeg(640, 480);
  return [
    { name: "png", bytes: await realPng(3, 2), header: 33, info: { mime: "image/png", width: 3, height: 2 } },
    { name: "gif", bytes: realGif(), header: 13, info: { mime: "image/gif", width: 1, height: 1 } },
    {
      name: "jpeg",
      bytes: jpegBytes,
      header: jpegHeader(640, 480).length,
      info: { mime: "image/jpeg", width: 640, height: 480 },
    },
    { name: "webp lossy", bytes: webpLossy(5, 7), header: 30, info: { mime: "image/webp", width: 5, height: 7 } },
    {
      name: "webp lossless",
      bytes: webpLossless(5, 7),
      header: 25,
      info: { mime: "image/webp", width: 5, height: 7 },
    },
    {
      name: "webp extended",
      bytes: webpExtended(5, 7),
      header: 30,
      info: { mime: "image/webp", width: 5, height: 7 },
    },
  ];
}

Deno.test("sniffImage() recognises a real PNG, GIF, JPEG and WebP (lossy, lossless, extended) with their sizes", async () => {
  for (const { name, bytes, info } of await samples()) assert.deepEqual(sniffImage(bytes), info, name);
});

Deno.test("sniffImage() needs only the header: the header alone is enough and what follows is not read", async () => {
  for (const { name, bytes, header, info } of await samples()) {
    assert.deepEqual(sniffImage(bytes.subarray(0, header)), info, name);
  }
});

Deno.test("sniffImage() refuses every truncated header, down to the empty array", async () => {
  for (const { name, bytes, header } of await samples()) {
    for (let length = 0; length < header; length++) {
      assert.equal(sniffImage(bytes.subarray(0, length)), undefined, `${name} cut to ${length} bytes`);
    }
  }
});

Deno.test("sniffImage() refuses a file whose magic bytes are wrong in any position", async () => {
  const magic: Record<string, number[]> = {
    png: [0, 1, 2, 3, 4, 5, 6, 7],
    gif: [0, 1, 2, 3, 4, 5],
    jpeg: [0, 1, 2],
    "webp lossy": [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15],
    "webp lossless": [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 20],
    "webp extended": [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15],
  };
  for (const { name, bytes } of await samples()) {
    for (const at of magic[name]) {
      assert.equal(sniffImage(bytes.with(at, bytes[at] ^ 0x20)), undefined, `${name} with byte ${at} changed`);
    }
  }
});

Deno.test("sniffImage() reads sizes up to each format's largest", () => {
  assert.deepEqual(sniffImage(concat(PNG_SIGNATURE, ihdr(0x7fffffff, 1))), {
    mime: "image/png",
    width: 0x7fffffff,
    height: 1,
  });
  assert.deepEqual(sniffImage(jpegHeader(65535, 65535)), { mime: "image/jpeg", width: 65535, height: 65535 });
  assert.deepEqual(sniffImage(realGif(65535, 300)), { mime: "image/gif", width: 65535, height: 300 });
  assert.deepEqual(sniffImage(webpLossy(16383, 16383)), { mime: "image/webp", width: 16383, height: 16383 });
  assert.deepEqual(sniffImage(webpLossless(16384, 16384)), { mime: "image/webp", width: 16384, height: 16384 });
  assert.deepEqual(sniffImage(webpExtended(65536, 65535)), { mime: "image/webp", width: 65536, height: 65535 });
});

Deno.test("sniffImage() refuses a PNG whose IHDR is damaged, not first, zero-sized or impossible", () => {
  const good = concat(PNG_SIGNATURE, ihdr(4, 4));
  assert.ok(sniffImage(good));
  assert.equal(sniffImage(good.with(20, good[20] ^ 1)), undefined, "a size that does not match the CRC");
  assert.equal(sniffImage(good.with(32, good[32] ^ 1)), undefined, "a wrong CRC");
  assert.equal(sniffImage(concat(PNG_SIGNATURE, pngChunk("gAMA", new Uint8Array(4)), ihdr(4, 4))), undefined);
  assert.equal(sniffImage(concat(PNG_SIGNATURE, ihdr(0, 4))), undefined, "zero width");
  assert.equal(sniffImage(concat(PNG_SIGNATURE, ihdr(4, 0))), undefined, "zero height");
  assert.equal(sniffImage(concat(PNG_SIGNATURE, ihdr(0x80000000, 4))), undefined, "width over 2^31-1");
  assert.equal(sniffImage(concat(PNG_SIGNATURE, ihdr(4, 4, 16, 3))), undefined, "16-bit palette");
  assert.equal(sniffImage(concat(PNG_SIGNATURE, ihdr(4, 4, 8, 5))), undefined, "colour type 5");
  assert.equal(sniffImage(concat(PNG_SIGNATURE, ihdr(4, 4, 8, 6, 2))), undefined, "interlace method 2");
  assert.deepEqual(sniffImage(concat(PNG_SIGNATURE, ihdr(4, 5, 1, 0, 1))), {
    mime: "image/png",
    width: 4,
    height: 5,
  }, "1-bit grey, Adam7");
  const longer = concat(PNG_SIGNATURE, pngChunk("IHDR", concat(be32(4), be32(4), [8, 6, 0, 0, 0, 0])));
  assert.equal(sniffImage(longer), undefined, "an IHDR of 14 bytes");
});

Deno.test("sniffImage() finds a JPEG's frame header behind any other segments, fill bytes and restart markers", () => {
  const header = jpegHeader(33, 44);
  const withFill = concat(header.subarray(0, 2), [0xff, 0xff, 0xff], header.subarray(2));
  assert.deepEqual(sniffImage(withFill), { mime: "image/jpeg", width: 33, height: 44 });
  const withRestart = concat(header.subarray(0, 2), [0xff, 0xd0], header.subarray(2));
  assert.deepEqual(sniffImage(withRestart), { mime: "image/jpeg", width: 33, height: 44 });
  for (const sof of [0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]) {
    assert.deepEqual(sniffImage(jpegHeader(33, 44, { sof })), { mime: "image/jpeg", width: 33, height: 44 }, `${sof}`);
  }
  assert.deepEqual(sniffImage(jpegHeader(33, 44, { components: 1 })), { mime: "image/jpeg", width: 33, height: 44 });
  // A big APP1 (EXIF) segment before the frame header is stepped over by its length.
  const exif = concat([0xff, 0xe1, 0xff, 0xff], new Uint8Array(0xfffd).fill(0xff));
  assert.deepEqual(sniffImage(concat([0xff, 0xd8], exif, jpegHeader(9, 8).subarray(2))), {
    mime: "image/jpeg",
    width: 9,
    height: 8,
  });
});

Deno.test("sniffImage() refuses a JPEG without a readable frame header", () => {
  const header = jpegHeader(33, 44);
  const sofAt = header.length - 19;
  assert.equal(header[sofAt + 1], 0xc0);
  const sosFirst = concat([0xff, 0xd8], [0xff, 0xda, 0, 2], header.subarray(2));
  assert.equal(sniffImage(sosFirst), undefined, "scan data before the frame header");
  assert.equal(sniffImage(concat([0xff, 0xd8, 0xff, 0xd9], header.subarray(2))), undefined, "EOI first");
  assert.equal(sniffImage(concat([0xff, 0xd8, 0xff, 0xd8], header.subarray(2))), undefined, "a second SOI");
  for (const marker of [0xc4, 0xc8, 0xcc]) {
    assert.equal(sniffImage(header.with(sofAt + 1, marker)), undefined, `marker ${marker} is not a frame header`);
  }
  assert.equal(sniffImage(jpegHeader(33, 0)), undefined, "height 0 (defined later by DNL)");
  assert.equal(sniffImage(jpegHeader(0, 44)), undefined, "width 0");
  assert.equal(sniffImage(header.with(sofAt + 4, 7)), undefined, "precision 7");
  assert.equal(sniffImage(header.with(sofAt + 3, 18)), undefined, "a frame header length that disagrees");
  assert.equal(sniffImage(concat(header.subarray(0, 2), [0x00], header.subarray(2))), undefined, "garbage");
  assert.equal(sniffImage(concat([0xff, 0xd8], [0xff, 0xe0, 0, 1], header.subarray(2))), undefined, "length 1");
});

Deno.test("sniffImage() refuses a GIF of zero width or height", () => {
  assert.equal(sniffImage(realGif(0, 1)), undefined);
  assert.equal(sniffImage(realGif(1, 0)), undefined);
  assert.deepEqual(sniffImage(concat(ascii("GIF87a"), realGif(2, 3).subarray(6))), {
    mime: "image/gif",
    width: 2,
    height: 3,
  });
});

Deno.test("sniffImage() refuses a WebP whose first chunk is unknown, too big, or malformed", () => {
  assert.equal(sniffImage(riff(webpChunk("ALPH", new Uint8Array(20)))), undefined, "ALPH first");
  const lossy = webpLossy(5, 7);
  assert.equal(sniffImage(lossy.with(4, 10)), undefined, "a RIFF size smaller than the first chunk");
  assert.equal(sniffImage(webpLossy(5, 7, [0x11, 0, 0])), undefined, "an inter frame");
  assert.equal(sniffImage(webpLossy(5, 7, [0x00, 0, 0])), undefined, "a frame not shown");
  assert.equal(sniffImage(webpLossy(5, 7, [0x18, 0, 0])), undefined, "version 4");
  assert.equal(sniffImage(lossy.with(23, 0x9c)), undefined, "a wrong start code");
  assert.equal(sniffImage(webpLossy(0, 7)), undefined, "zero width");
  assert.deepEqual(sniffImage(webpLossy(5 | 0xc000, 7 | 0x4000)), {
    mime: "image/webp",
    width: 5,
    height: 7,
  }, "the scale bits are not part of the size");
  assert.equal(sniffImage(webpLossless(5, 7, 1)), undefined, "lossless version 1");
  assert.equal(sniffImage(webpLossless(5, 7).with(20, 0x2e)), undefined, "a wrong lossless signature");
  assert.equal(sniffImage(webpExtended(5, 7, 12)), undefined, "a VP8X chunk of 12 bytes");
  assert.equal(sniffImage(webpExtended(65536, 65536)), undefined, "a canvas over 2^32-1 pixels");
});

Deno.test("sniffImage() never trusts a name or a claimed type: text saying image is not an image", () => {
  for (const text of ["photo.png", "image/jpeg", "GIF89", "RIFF....WEBPVP8 ", "\x89PNG"]) {
    assert.equal(sniffImage(ascii(text)), undefined, text);
  }
});

/** xorshift32: the same garbage on every run, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

function assertWellFormed(info: ImageInfo | undefined, what: string): void {
  if (info === undefined) return;
  assert.ok(IMAGE_MIMES.includes(info.mime), what);
  assert.ok(Number.isSafeInteger(info.width) && info.width >= 1, `${what}: width ${info.width}`);
  assert.ok(Number.isSafeInteger(info.height) && info.height >= 1, `${what}: height ${info.height}`);
}

Deno.test("sniffImage() never throws on garbage, with or without a magic prefix, and random bytes are no image", () => {
  const next = random(0x5eed);
  const prefixes = [[], PNG_SIGNATURE, [0xff, 0xd8, 0xff], [...ascii("GIF89a")], [
    ...ascii("RIFF"),
    0xff,
    0xff,
    0xff,
    0,
  ]];
  const webpPrefix = (fourCC: string) => [...ascii("RIFF"), 0xff, 0xff, 0xff, 0, ...ascii(`WEBP${fourCC}`)];
  prefixes.push(webpPrefix("VP8 "), webpPrefix("VP8L"), webpPrefix("VP8X"));
  for (let i = 0; i < 20_000; i++) {
    const prefix = prefixes[i % prefixes.length];
    const garbage = Uint8Array.from({ length: next() % 96 }, () => next() & 0xff);
    const bytes = concat(prefix, garbage);
    assertWellFormed(sniffImage(bytes), `garbage ${i}`);
  }
  // Without a magic prefix, random bytes must essentially never pass (one in 2^24 starts like a JPEG).
  let images = 0;
  for (let i = 0; i < 20_000; i++) {
    if (sniffImage(Uint8Array.from({ length: 64 }, () => next() & 0xff))) images++;
  }
  assert.equal(images, 0);
});

Deno.test("sniffImage() never throws on real images with random bytes changed, and answers a well-formed image or nothing", async () => {
  const next = random(0xbadc0de);
  for (const { name, bytes, header } of await samples()) {
    for (let i = 0; i < 2_000; i++) {
      const mutated = bytes.slice(0, header + (next() % 16));
      for (let flips = 1 + (next() % 3); flips > 0; flips--) mutated[next() % mutated.length] = next() & 0xff;
      assertWellFormed(sniffImage(mutated), `${name} mutation ${i}`);
    }
  }
});

// Private: a bounds-checked big-endian byte reader shared by the decoders (PROTOCOL.md §3-4.1).

import { CodecError } from "./error.ts";

const TWO_32 = 4_294_967_296;
/** int64 values whose high word lies in [-2^21, 2^21) are within ±2^53. */
const SAFE_HIGH_LIMIT = 2_097_152;
/**
 * Strings up to this many bytes are decoded in JavaScript: below it that is
 * faster than `TextDecoder`, whose every call costs a view and a native call.
 */
const SHORT_STRING_MAX = 64;

/** Map keys up to this many bytes are looked up in the key cache. */
const KEY_CACHE_MAX_BYTES = 32;
/** Slots in the key cache; a power of two. */
const KEY_CACHE_SIZE = 512;
/** Recent ASCII map keys by a hash of their bytes; shared by all readers. */
const keyCache: (string | undefined)[] = new Array(KEY_CACHE_SIZE).fill(
  undefined,
);

const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Reads fields from `bytes` starting at index `start`. Every offset it
 * reports is an index into `bytes`, so errors point into the caller's input.
 * A read past the end throws `CodecError` `truncated` at the offset where the
 * missing field starts.
 */
export class Reader {
  readonly bytes: Uint8Array;
  pos: number;
  /** Names the layer in error messages: "value", "envelope". */
  readonly what: string;
  #view: DataView | undefined;

  constructor(bytes: Uint8Array, start = 0, what = "value") {
    this.bytes = bytes;
    this.pos = start;
    this.what = what;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Made on first use: most messages hold no float or large int. */
  get #dataView(): DataView {
    return this.#view ??= new DataView(
      this.bytes.buffer,
      this.bytes.byteOffset,
      this.bytes.byteLength,
    );
  }

  /** Throws `truncated` unless `n` more bytes are available. */
  need(n: number, field: string): void {
    if (n > this.bytes.length - this.pos) {
      throw this.error(
        "truncated",
        `${field} needs ${n} bytes but ${this.remaining} remain`,
        this.pos,
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++];
  }

  u16(field: string): number {
    this.need(2, field);
    const bytes = this.bytes;
    const pos = this.pos;
    this.pos = pos + 2;
    return (bytes[pos] << 8) | bytes[pos + 1];
  }

  u32(field: string): number {
    this.need(4, field);
    const bytes = this.bytes;
    const pos = this.pos;
    this.pos = pos + 4;
    return bytes[pos] * 0x100_0000 +
      ((bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3]);
  }

  /** Reads an int64: a number if it is a safe integer, else a bigint. */
  i64(): number | bigint {
    this.need(8, "int");
    const bytes = this.bytes;
    const pos = this.pos;
    this.pos = pos + 8;
    const high = (bytes[pos] << 24) | (bytes[pos + 1] << 16) |
      (bytes[pos + 2] << 8) | bytes[pos + 3];
    if (high >= -SAFE_HIGH_LIMIT && high < SAFE_HIGH_LIMIT) {
      const low = bytes[pos + 4] * 0x100_0000 +
        ((bytes[pos + 5] << 16) | (bytes[pos + 6] << 8) | bytes[pos + 7]);
      const value = high * TWO_32 + low;
      // -2^53 is the one value in this range that is not a safe integer.
      if (value !== -9_007_199_254_740_992) return value;
    }
    return this.#dataView.getBigInt64(pos);
  }

  f64(): number {
    this.need(8, "float");
    const value = this.#dataView.getFloat64(this.pos);
    this.pos += 8;
    return value;
  }

  /** Copies `n` bytes; the copy never aliases the input. */
  copy(n: number, field: string): Uint8Array {
    this.need(n, field);
    const start = this.pos;
    this.pos += n;
    return this.bytes.slice(start, this.pos);
  }

  /** Decodes `n` bytes of strict UTF-8 (RFC 3629; a leading BOM is kept). */
  utf8(n: number, field: string): string {
    this.need(n, field);
    const start = this.pos;
    const end = start + n;
    let text: string | undefined;
    if (n <= SHORT_STRING_MAX) {
      text = decodeShortUtf8(this.bytes, start, end);
    } else {
      try {
        text = utf8Decoder.decode(this.bytes.subarray(start, end));
      } catch (cause) {
        // A fatal TextDecoder throws TypeError only for malformed input.
        throw this.#badUtf8(field, start, { cause });
      }
    }
    if (text === undefined) throw this.#badUtf8(field, start);
    this.pos = end;
    return text;
  }

  /**
   * Decodes a map key like `utf8()`, reusing the string of a recent equal
   * ASCII key: maps in one protocol repeat a few keys, and a string that
   * is already a property name spares the engine from interning a new one.
   */
  key(n: number): string {
    if (n > KEY_CACHE_MAX_BYTES || n > this.bytes.length - this.pos) {
      return this.utf8(n, "key");
    }
    const bytes = this.bytes;
    const start = this.pos;
    const end = start + n;
    let hash = n;
    for (let i = start; i < end; i++) {
      const byte = bytes[i];
      if (byte >= 0x80) return this.utf8(n, "key");
      hash = Math.imul(hash ^ byte, 0x0100_0193);
    }
    const slot = (hash ^ (hash >>> 16)) & (KEY_CACHE_SIZE - 1);
    const cached = keyCache[slot];
    if (cached !== undefined && cached.length === n) {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === bytes[start + i]) i++;
      if (i === n) {
        this.pos = end;
        return cached;
      }
    }
    const key = this.utf8(n, "key");
    keyCache[slot] = key;
    return key;
  }

  #badUtf8(field: string, start: number, options?: ErrorOptions): CodecError {
    return this.error(
      "bad_utf8",
      `${field} is not well-formed UTF-8`,
      start,
      options,
    );
  }

  /** Throws `trailing` unless every byte has been read. */
  end(): void {
    if (this.pos !== this.bytes.length) {
      throw this.error(
        "trailing",
        `${this.remaining} bytes follow the value`,
        this.pos,
      );
    }
  }

  /** Builds a `CodecError` whose message names the layer and the offset. */
  error(
    code: CodecError["code"],
    detail: string,
    offset: number,
    options?: ErrorOptions,
  ): CodecError {
    return new CodecError(
      code,
      `Cannot decode ${this.what}: ${detail} at offset ${offset}`,
      offset,
      options,
    );
  }
}

/**
 * Decodes strict UTF-8 from `bytes[start..end)`, or returns `undefined` if it
 * is malformed. Accepts exactly the well-formed sequences of RFC 3629 §4, as
 * a fatal `TextDecoder` does: no overlong forms, no surrogates, nothing above
 * U+10FFFF, no truncated sequences.
 */
function decodeShortUtf8(
  bytes: Uint8Array,
  start: number,
  end: number,
): string | undefined {
  let text = "";
  let i = start;
  while (i < end) {
    const b0 = bytes[i];
    if (b0 < 0x80) {
      text += String.fromCharCode(b0);
      i += 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      if (end - i < 2) return undefined;
      const b1 = bytes[i + 1];
      if ((b1 & 0xc0) !== 0x80) return undefined;
      text += String.fromCharCode(((b0 & 0x1f) << 6) | (b1 & 0x3f));
      i += 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      if (end - i < 3) return undefined;
      const b1 = bytes[i + 1];
      const b2 = bytes[i + 2];
      // E0 needs A0..BF (no overlong forms); ED needs 80..9F (no surrogates).
      if (
        b1 < (b0 === 0xe0 ? 0xa0 : 0x80) || b1 > (b0 === 0xed ? 0x9f : 0xbf) ||
        (b2 & 0xc0) !== 0x80
      ) {
        return undefined;
      }
      text += String.fromCharCode(
        ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f),
      );
      i += 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      if (end - i < 4) return undefined;
      const b1 = bytes[i + 1];
      const b2 = bytes[i + 2];
      const b3 = bytes[i + 3];
      // F0 needs 90..BF (no overlong forms); F4 needs 80..8F (<= U+10FFFF).
      if (
        b1 < (b0 === 0xf0 ? 0x90 : 0x80) || b1 > (b0 === 0xf4 ? 0x8f : 0xbf) ||
        (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80
      ) {
        return undefined;
      }
      const offset = (((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) |
        ((b2 & 0x3f) << 6) | (b3 & 0x3f)) - 0x1_0000;
      text += String.fromCharCode(
        0xd800 | (offset >> 10),
        0xdc00 | (offset & 0x3ff),
      );
      i += 4;
    } else {
      // 80..C1 cannot start a sequence; F5..FF never appear.
      return undefined;
    }
  }
  return text;
}

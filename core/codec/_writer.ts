// Private: a growable big-endian byte writer shared by the encoders (PROTOCOL.md §3-4).

const TWO_32 = 4_294_967_296;
const INITIAL_CAPACITY = 256;
/** A pooled writer bigger than this is dropped after use, not kept. */
const MAX_POOLED_CAPACITY = 65_536;
/**
 * Strings up to this many UTF-16 units are encoded in JavaScript: below it
 * that is faster than `encodeInto`, whose every call costs a view.
 */
const SHORT_STRING_MAX = 64;

const utf8Encoder = new TextEncoder();

/** Appends big-endian fields to a buffer that doubles when full. */
export class Writer {
  bytes: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const bytes = new Uint8Array(capacity);
    bytes.set(this.bytes.subarray(0, this.pos));
    // Message bodies may be secret: leave no copy behind for the collector.
    this.bytes.fill(0, 0, this.pos);
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
  }

  u8(value: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = value;
  }

  u16(value: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, value);
    this.pos += 2;
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, value);
    this.pos += 4;
  }

  /** Writes a safe integer as int64 without allocating a bigint. */
  i64(value: number): void {
    this.ensure(8);
    const high = Math.floor(value / TWO_32);
    this.view.setInt32(this.pos, high);
    this.view.setUint32(this.pos + 4, value - high * TWO_32);
    this.pos += 8;
  }

  /** Writes a bigint already known to fit in int64. */
  bigI64(value: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, value);
    this.pos += 8;
  }

  f64(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value);
    this.pos += 8;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.bytes.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /**
   * Writes a u32 byte length and the UTF-8 form of `text`. Returns false,
   * having written nothing, if `text` has a lone surrogate: such a string
   * has no UTF-8 form.
   */
  utf8WithLength(text: string): boolean {
    const units = text.length;
    // UTF-8 needs at most 3 bytes per UTF-16 unit (a surrogate pair is 2 units, 4 bytes).
    this.ensure(4 + units * 3);
    const start = this.pos + 4;
    let end: number;
    if (units <= SHORT_STRING_MAX) {
      end = encodeShortUtf8(text, this.bytes, start);
      if (end < 0) return false;
    } else {
      if (!isWellFormed(text)) return false;
      end = start + utf8Encoder.encodeInto(text, this.bytes.subarray(start))
        .written;
    }
    this.view.setUint32(this.pos, end - start);
    this.pos = end;
    return true;
  }

  /** Returns a copy of what was written. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.pos);
  }

  /** Returns a copy of what was written, cut from the shared slab when small (see {@link slabBytes}). */
  finishInSlab(): Uint8Array<ArrayBuffer> {
    const out = slabBytes(this.pos);
    out.set(this.bytes.subarray(0, this.pos));
    return out;
  }
}

/** The slab small transient buffers are cut from; a fresh one when it is full. */
const SLAB_BYTES = 16_384;
/** Larger buffers get their own memory: a slab holds at least 16 of these. */
const SLAB_MAX_ITEM = 1_024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/**
 * A zeroed buffer of `length` bytes for a short-lived result (a frame, an envelope on its way to a socket): a small
 * one is a view into a shared 16 KiB slab, which costs a tenth of a buffer of its own. The slab lives as long as
 * any of its views, so what is kept for long must not come from here. Its `buffer` is shared: never transfer it.
 */
export function slabBytes(length: number): Uint8Array<ArrayBuffer> {
  if (length > SLAB_MAX_ITEM) return new Uint8Array(length);
  if (slabUsed + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const bytes = new Uint8Array(slab, slabUsed, length);
  // Aligned to 8, so that views of other widths over a result stay possible.
  slabUsed += (length + 7) & ~7;
  return bytes;
}

let pooled: Writer | undefined;

/**
 * Takes the shared writer, or a fresh one if it is in use (an encoder
 * re-entered from a getter) so that nested calls never share a buffer.
 */
export function takeWriter(): Writer {
  const writer = pooled ?? new Writer();
  pooled = undefined;
  writer.pos = 0;
  return writer;
}

/**
 * Wipes what a writer holds (message bodies may be secret) and gives it back
 * for reuse unless it has grown large.
 */
export function releaseWriter(writer: Writer): void {
  writer.bytes.fill(0, 0, writer.pos);
  writer.pos = 0;
  if (writer.bytes.length <= MAX_POOLED_CAPACITY) pooled = writer;
}

/** Largest value of a u32 field. */
export const U32_MAX = TWO_32 - 1;

/**
 * Writes the UTF-8 form of `text` at `bytes[start]`, which has room for it,
 * and returns the index after the last byte written, or -1 if `text` has a
 * lone surrogate.
 */
function encodeShortUtf8(text: string, bytes: Uint8Array, start: number) {
  let p = start;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      bytes[p++] = unit;
    } else if (unit < 0x800) {
      bytes[p++] = 0xc0 | (unit >> 6);
      bytes[p++] = 0x80 | (unit & 0x3f);
    } else if (unit < 0xd800 || unit > 0xdfff) {
      bytes[p++] = 0xe0 | (unit >> 12);
      bytes[p++] = 0x80 | ((unit >> 6) & 0x3f);
      bytes[p++] = 0x80 | (unit & 0x3f);
    } else {
      // A surrogate: valid only as a high one followed by a low one.
      const low = text.charCodeAt(i + 1); // NaN past the end
      if (unit > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) return -1;
      const point = 0x1_0000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      i++;
      bytes[p++] = 0xf0 | (point >> 18);
      bytes[p++] = 0x80 | ((point >> 12) & 0x3f);
      bytes[p++] = 0x80 | ((point >> 6) & 0x3f);
      bytes[p++] = 0x80 | (point & 0x3f);
    }
  }
  return p;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `text` has no lone surrogates (`isWellFormed` where it exists). */
const isWellFormed: (text: string) => boolean = typeof String.prototype.isWellFormed === "function"
  ? (text) => text.isWellFormed()
  : (text) => !LONE_SURROGATE.test(text);

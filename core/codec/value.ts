// Tagged value encoding and decoding: the body of every envelope (PROTOCOL.md §4).

import { Reader } from "./_reader.ts";
import { releaseWriter, takeWriter, U32_MAX, type Writer } from "./_writer.ts";

/**
 * A value that can travel in a message body (PROTOCOL.md §4).
 *
 * `number` and `bigint` both map to `int` or `float` on the wire; decoding
 * gives a `number` for every float and for every int in the safe range
 * (|x| <= 2^53-1), and a `bigint` for other ints. Maps are plain objects.
 */
export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Value[]
  | { [key: string]: Value };

/** Limits a decoder enforces on one value (PROTOCOL.md §4). */
export interface DecodeLimits {
  /**
   * Deepest nesting allowed: a top-level scalar has depth 0, the items of a
   * top-level list or map depth 1. An integer from 0 to 1024.
   * @default {32}
   */
  maxDepth?: number;
  /**
   * Most list items plus map entries allowed in the whole value. A
   * non-negative safe integer.
   * @default {65536}
   */
  maxItems?: number;
}

/** The protocol's nesting limit (PROTOCOL.md §4), used when none is given. */
export const DEFAULT_MAX_DEPTH = 32;
/** The protocol's item limit (PROTOCOL.md §4), used when none is given. */
export const DEFAULT_MAX_ITEMS = 65_536;
/** Keeps recursion far from the engine's stack limit whatever the caller asks. */
const DEPTH_CEILING = 1024;

const TAG_NULL = 0x00;
const TAG_FALSE = 0x01;
const TAG_TRUE = 0x02;
const TAG_INT = 0x03;
const TAG_FLOAT = 0x04;
const TAG_STRING = 0x05;
const TAG_BYTES = 0x06;
const TAG_LIST = 0x07;
const TAG_MAP = 0x08;

/** Bytes a map entry needs at least: a u32 key length and a one-byte value. */
const MIN_ENTRY_BYTES = 5;

/**
 * Encodes a value to its wire form.
 *
 * Integral numbers in the safe range become `int`, every other number
 * (fractions, -0, NaN, ±Infinity, |x| > 2^53-1) becomes `float`; a bigint
 * becomes `int`. Maps are written in the object's own key order.
 *
 * @param value The value to encode.
 * @returns A new buffer holding the encoded value.
 * @throws {TypeError} For an unsupported type (function, symbol, undefined,
 * Date, Map, class instance, …), an `undefined` property, or a string with a
 * lone surrogate. The message names the path, e.g. `$.a[2]`.
 * @throws {RangeError} For a bigint outside int64, nesting deeper than 32 or
 * a cycle, more than 65 536 list items plus map entries, or a length over
 * 2^32-1.
 *
 * @example Encoding a map
 * ```ts
 * import { encodeValue } from "./mod.ts";
 *
 * const bytes = encodeValue({ ok: true });
 * // 08 00000001 (map of 1) | 00000002 6f6b ("ok") | 02 (true)
 * console.log(bytes.length); // 12
 * ```
 */
export function encodeValue(value: Value): Uint8Array {
  const writer = takeWriter();
  try {
    writeValue(writer, value);
    return writer.finish();
  } finally {
    releaseWriter(writer);
  }
}

/**
 * Decodes exactly one value that fills `bytes`.
 *
 * @param bytes The encoded value; it is not modified and the result never
 * aliases it.
 * @param limits Depth and item limits; the protocol's by default.
 * @returns The decoded value.
 * @throws {CodecError} For any malformed, truncated or over-limit input,
 * with the offset where the problem was detected.
 * @throws {TypeError} If `bytes` is not a `Uint8Array`.
 * @throws {RangeError} If `limits` holds an invalid number.
 *
 * @example Decoding an int and a string
 * ```ts
 * import { decodeValue } from "./mod.ts";
 *
 * decodeValue(new Uint8Array([0x03, 0, 0, 0, 0, 0, 0, 0, 42])); // 42
 * decodeValue(new Uint8Array([0x05, 0, 0, 0, 2, 0x68, 0x69])); // "hi"
 * ```
 */
export function decodeValue(bytes: Uint8Array, limits?: DecodeLimits): Value {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError("Cannot decode value: input is not a Uint8Array");
  }
  const reader = new Reader(bytes, 0, "value");
  const value = readValue(reader, limits);
  reader.end();
  return value;
}

/**
 * Internal to the codec: appends the encoding of `value` to `writer`, with
 * the errors `encodeValue` documents. Not re-exported by `mod.ts`.
 */
export function writeValue(writer: Writer, value: Value): void {
  try {
    new ValueEncoder(writer).write(value, 0);
  } catch (error) {
    if (error instanceof EncodeFailure) throw error.toError();
    throw error;
  }
}

/**
 * Internal to the codec: reads one value at the reader's position, leaving
 * the position after it. Not re-exported by `mod.ts`.
 */
export function readValue(reader: Reader, limits?: DecodeLimits): Value {
  let maxDepth = DEFAULT_MAX_DEPTH;
  let maxItems = DEFAULT_MAX_ITEMS;
  if (limits !== undefined) {
    if (limits.maxDepth !== undefined) {
      maxDepth = limits.maxDepth;
      if (
        !Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > DEPTH_CEILING
      ) {
        throw new RangeError(
          `Cannot decode ${reader.what}: maxDepth must be an integer from 0 to ${DEPTH_CEILING}, got ${maxDepth}`,
        );
      }
    }
    if (limits.maxItems !== undefined) {
      maxItems = limits.maxItems;
      if (!Number.isSafeInteger(maxItems) || maxItems < 0) {
        throw new RangeError(
          `Cannot decode ${reader.what}: maxItems must be a non-negative integer, got ${maxItems}`,
        );
      }
    }
  }
  return new ValueDecoder(reader, maxDepth, maxItems).read(0);
}

/**
 * Thrown inside the encoder and turned into a TypeError or RangeError at the
 * top, once the path has been collected on the way out of the recursion.
 */
class EncodeFailure {
  /** Path segments, innermost first. */
  readonly path: (string | number)[] = [];
  /** If set, only this many outermost segments are reported. */
  keep = -1;

  constructor(
    readonly kind: "type" | "range",
    readonly detail: string,
  ) {}

  toError(): TypeError | RangeError {
    const segments = this.path.reverse();
    if (this.keep >= 0) segments.length = this.keep;
    let path = "$";
    for (const segment of segments) {
      if (typeof segment === "number") path += `[${segment}]`;
      else if (/^[A-Za-z_$][\w$]*$/.test(segment)) path += `.${segment}`;
      else path += `[${JSON.stringify(segment)}]`;
    }
    const message = `Cannot encode value at ${path}: ${this.detail}`;
    return this.kind === "type" ? new TypeError(message) : new RangeError(message);
  }
}

/** Quotes untrusted text for an error message, cut to a readable length. */
function quote(text: string): string {
  return text.length > 64 ? `${JSON.stringify(text.slice(0, 64))}…` : JSON.stringify(text);
}

/** Names a value's type for an error message: "function", "Date", … */
function typeName(value: unknown): string {
  if (typeof value !== "object" || value === null) return typeof value;
  const constructor = Object.getPrototypeOf(value)?.constructor;
  return typeof constructor === "function" && constructor.name !== "" ? constructor.name : "object";
}

class ValueEncoder {
  readonly #writer: Writer;
  #items = 0;
  /** The containers being written, by depth, to tell a cycle from deep nesting. */
  readonly #ancestors: object[] = [];

  constructor(writer: Writer) {
    this.#writer = writer;
  }

  write(value: Value, depth: number): void {
    const writer = this.#writer;
    switch (typeof value) {
      case "number":
        // -0 is not integral on the wire: only float keeps its sign.
        if (Number.isSafeInteger(value) && (value !== 0 || 1 / value > 0)) {
          writer.u8(TAG_INT);
          writer.i64(value);
        } else {
          writer.u8(TAG_FLOAT);
          if (value !== value) {
            // One NaN pattern keeps encodings reproducible; setFloat64 may pick any.
            writer.u32(0x7ff8_0000);
            writer.u32(0);
          } else {
            writer.f64(value);
          }
        }
        return;
      case "string":
        writer.u8(TAG_STRING);
        if (!writer.utf8WithLength(value)) {
          throw new EncodeFailure(
            "type",
            "string has a lone surrogate, which has no UTF-8 form",
          );
        }
        return;
      case "boolean":
        writer.u8(value ? TAG_TRUE : TAG_FALSE);
        return;
      case "bigint":
        if (BigInt.asIntN(64, value) !== value) {
          throw new EncodeFailure("range", `bigint ${value} is outside int64`);
        }
        writer.u8(TAG_INT);
        writer.bigI64(value);
        return;
      case "object":
        if (value === null) {
          writer.u8(TAG_NULL);
        } else if (value instanceof Uint8Array) {
          if (value.length > U32_MAX) {
            throw new EncodeFailure(
              "range",
              `bytes length ${value.length} exceeds ${U32_MAX}`,
            );
          }
          writer.u8(TAG_BYTES);
          writer.u32(value.length);
          writer.raw(value);
        } else if (Array.isArray(value)) {
          this.#enter(value, depth, value.length);
          writer.u8(TAG_LIST);
          writer.u32(value.length);
          let i = 0;
          try {
            // A hole or `undefined` item fails in write(), like any non-value.
            for (; i < value.length; i++) this.write(value[i], depth + 1);
          } catch (error) {
            if (error instanceof EncodeFailure) error.path.push(i);
            throw error;
          }
        } else {
          const prototype = Object.getPrototypeOf(value);
          if (prototype !== Object.prototype && prototype !== null) {
            throw new EncodeFailure(
              "type",
              `unsupported type ${typeName(value)}`,
            );
          }
          const keys = Object.keys(value);
          this.#enter(value, depth, keys.length);
          writer.u8(TAG_MAP);
          writer.u32(keys.length);
          let key = "";
          try {
            for (key of keys) {
              if (!writer.utf8WithLength(key)) {
                throw new EncodeFailure(
                  "type",
                  "key has a lone surrogate, which has no UTF-8 form",
                );
              }
              // An `undefined` property fails in write(), like any non-value.
              this.write(value[key], depth + 1);
            }
          } catch (error) {
            if (error instanceof EncodeFailure) error.path.push(key);
            throw error;
          }
        }
        return;
      default:
        throw new EncodeFailure("type", `unsupported type ${typeof value}`);
    }
  }

  /** Checks depth and the item total before a container is written. */
  #enter(container: object, depth: number, count: number): void {
    if (depth >= DEFAULT_MAX_DEPTH) {
      const chain = [...this.#ancestors.slice(0, depth), container];
      for (let j = 1; j < chain.length; j++) {
        if (chain.indexOf(chain[j]) < j) {
          const failure = new EncodeFailure("range", "circular reference");
          failure.keep = j;
          throw failure;
        }
      }
      throw new EncodeFailure(
        "range",
        `nesting deeper than ${DEFAULT_MAX_DEPTH}`,
      );
    }
    this.#ancestors[depth] = container;
    this.#items += count;
    if (this.#items > DEFAULT_MAX_ITEMS) {
      throw new EncodeFailure(
        "range",
        `more than ${DEFAULT_MAX_ITEMS} list items and map entries`,
      );
    }
  }
}

class ValueDecoder {
  readonly #reader: Reader;
  readonly #maxDepth: number;
  readonly #maxItems: number;
  #items = 0;

  constructor(reader: Reader, maxDepth: number, maxItems: number) {
    this.#reader = reader;
    this.#maxDepth = maxDepth;
    this.#maxItems = maxItems;
  }

  read(depth: number): Value {
    const reader = this.#reader;
    const tagOffset = reader.pos;
    const tag = reader.u8("tag");
    switch (tag) {
      case TAG_NULL:
        return null;
      case TAG_FALSE:
        return false;
      case TAG_TRUE:
        return true;
      case TAG_INT:
        return reader.i64();
      case TAG_FLOAT:
        return reader.f64();
      case TAG_STRING:
        return reader.utf8(reader.u32("string length"), "string");
      case TAG_BYTES:
        return reader.copy(reader.u32("bytes length"), "bytes");
      case TAG_LIST: {
        this.#checkDepth(depth, tagOffset, "list");
        const count = reader.u32("list count");
        // Every item takes at least its tag byte.
        reader.need(count, `list of ${count} items`);
        this.#count(count, tagOffset);
        const list: Value[] = [];
        for (let i = 0; i < count; i++) list.push(this.read(depth + 1));
        return list;
      }
      case TAG_MAP: {
        this.#checkDepth(depth, tagOffset, "map");
        const count = reader.u32("map count");
        reader.need(count * MIN_ENTRY_BYTES, `map of ${count} entries`);
        this.#count(count, tagOffset);
        const map: { [key: string]: Value } = {};
        for (let i = 0; i < count; i++) {
          const entryOffset = reader.pos;
          const key = reader.key(reader.u32("key length"));
          // Well-formed UTF-8 maps one-to-one to strings, so comparing
          // strings compares keys byte for byte.
          if (Object.hasOwn(map, key)) {
            throw reader.error(
              "duplicate_key",
              `map repeats key ${quote(key)}`,
              entryOffset,
            );
          }
          const item = this.read(depth + 1);
          if (key in Object.prototype) {
            // "__proto__", "toString", …: assignment would hit the inherited
            // accessor or shadow rules, so define an own property instead.
            Object.defineProperty(map, key, {
              value: item,
              enumerable: true,
              writable: true,
              configurable: true,
            });
          } else {
            // Same result as defineProperty for a key the prototype lacks,
            // and an order of magnitude faster.
            map[key] = item;
          }
        }
        return map;
      }
      default:
        throw reader.error(
          "bad_tag",
          `unknown tag 0x${tag.toString(16).padStart(2, "0")}`,
          tagOffset,
        );
    }
  }

  #checkDepth(depth: number, tagOffset: number, kind: string): void {
    if (depth >= this.#maxDepth) {
      throw this.#reader.error(
        "too_deep",
        `${kind} at depth ${depth} would hold items deeper than ${this.#maxDepth}`,
        tagOffset,
      );
    }
  }

  #count(count: number, tagOffset: number): void {
    this.#items += count;
    if (this.#items > this.#maxItems) {
      throw this.#reader.error(
        "too_many",
        `value has more than ${this.#maxItems} list items and map entries`,
        tagOffset,
      );
    }
  }
}

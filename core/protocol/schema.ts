// Schema building blocks over codec values (PROTOCOL.md §4): every operation's body is built from these.
//
// Each block accepts exactly the codec's types (maps are plain objects, bytes are `Uint8Array`, ints are safe integers)
// and words its failure as the end of a sentence ("must be bytes, not a string") that `parseValue` starts with the
// field's path. Valibot's own messages quote the received value, which could echo a large or secret string back.

import * as v from "valibot";
import type { Value } from "../codec/value.ts";

/**
 * A message function that names what was expected and what came, for schemas built outside this file.
 *
 * @param what What was expected, e.g. "a string or null".
 * @returns The message function.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { mustBe } from "./schema.ts";
 * const family = v.nullable(v.string(mustBe("a string or null")));
 * ```
 */
export function mustBe(what: string): (issue: v.BaseIssue<unknown>) => string {
  return (issue) => `must be ${what}, not ${kindOf(issue.input)}`;
}

/**
 * Names the codec type of a value, for error messages: never the value itself, except a number (short and harmless).
 *
 * @param value Anything.
 * @returns "a string", "bytes", "a list", "a map", "null", "true", "the number 2.5", …
 *
 * @example
 * ```ts
 * import { kindOf } from "./schema.ts";
 * kindOf([1, 2]); // "a list"
 * ```
 */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "bigint") return "an integer outside the safe range";
  if (typeof value === "string") return "a string";
  if (value instanceof Uint8Array) return "bytes";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a map" : typeof value;
}

/**
 * Whether a value is a codec map: a plain object, not a list and not bytes.
 *
 * @param value Anything.
 * @returns True for a map.
 *
 * @example
 * ```ts
 * import { isMap } from "./schema.ts";
 * isMap({ a: 1 }); // true
 * isMap([1]); // false
 * ```
 */
export function isMap(value: unknown): value is { [key: string]: Value } {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * Whether a value is a codec value (PROTOCOL.md §4) all the way down.
 *
 * @param value Anything.
 * @returns True when `encodeValue` could encode it.
 *
 * @example
 * ```ts
 * import { isValue } from "./schema.ts";
 * isValue({ a: [1, "b", new Uint8Array(2)] }); // true
 * isValue({ a: undefined }); // false
 * ```
 */
export function isValue(value: unknown): value is Value {
  switch (typeof value) {
    case "boolean":
    case "number":
    case "bigint":
    case "string":
      return true;
    case "object":
      if (value === null || value instanceof Uint8Array) return true;
      if (Array.isArray(value)) return value.every(isValue);
      return Object.values(value).every(isValue);
    default:
      return false;
  }
}

/**
 * A map with the given entries. Keys it does not name are ignored and left out of the output (forward compatibility,
 * PROTOCOL.md §5); a list or bytes is not a map, although both are JavaScript objects.
 *
 * @param entries The schema of each key.
 * @returns The schema.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { map, string } from "./schema.ts";
 * v.is(map({ name: string }), { name: "x", extra: 1 }); // true
 * ```
 */
export function map<const E extends v.ObjectEntries>(entries: E) {
  const object = v.object(entries, (issue) =>
    // The object's only own issue once `isMap` passed: a required key is absent.
    issue.path?.at(-1)?.origin === "key" ? "is missing" : mustBe("a map")(issue));
  return v.pipe(v.custom<v.InferInput<typeof object>>(isMap, mustBe("a map")), object);
}

/** Any codec value (`echo` carries one). */
export const anyValue: v.GenericSchema<Value> = v.custom<Value>(isValue, mustBe("a codec value"));

/** Any string. */
export const string = v.string(mustBe("a string"));

/**
 * A string of at most `max` UTF-16 code units (the limits the server has for OPAQUE messages and invite codes, which
 * are ASCII).
 *
 * @param max Most UTF-16 code units.
 * @returns The schema.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { text } from "./schema.ts";
 * v.is(text(3), "abcd"); // false
 * ```
 */
export function text(max: number) {
  return v.pipe(string, v.maxLength(max, `must be at most ${max} characters`));
}

/**
 * A string of `min` to `max` characters counted as code points (so 32 Chinese characters or emoji count 32), the way
 * names and font families are counted (PROTOCOL.md §10.1).
 *
 * @param min Fewest code points.
 * @param max Most code points.
 * @returns The schema.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { chars } from "./schema.ts";
 * v.is(chars(1, 2), "𠮷𠮷"); // true
 * ```
 */
export function chars(min: number, max: number) {
  return v.pipe(
    v.string(mustBe("a string")),
    v.check((s) => {
      const length = [...s].length;
      return length >= min && length <= max;
    }, `must be ${min} to ${max} characters`),
  );
}

/** A whole number in the safe range (|x| <= 2^53-1); an `int` or an integral `float` on the wire. */
export const int = v.pipe(v.number(mustBe("a whole number")), v.safeInteger(mustBe("a whole number")));

/** A record id the server issued: a whole number from 1. */
export const id = v.pipe(
  v.number(mustBe("an id")),
  v.safeInteger(mustBe("an id")),
  v.minValue(1, "must be an id (a whole number from 1)"),
);

/** A time: milliseconds since 1970-01-01 UTC. */
export const time = int;

/** A boolean. */
export const bool = v.boolean(mustBe("true or false"));

/** Bytes of any length. */
export const anyBytes = v.instance(Uint8Array, mustBe("bytes"));

/**
 * Bytes of an exact length.
 *
 * @param length The number of bytes.
 * @returns The schema.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { bytes } from "./schema.ts";
 * v.is(bytes(2), new Uint8Array(2)); // true
 * v.is(bytes(2), "ab"); // false
 * ```
 */
export function bytes(length: number) {
  return v.pipe(
    anyBytes,
    v.check(
      (b) => b.length === length,
      (issue) => `must be ${length} bytes, not ${(issue.input as Uint8Array).length}`,
    ),
  );
}

/**
 * A list of items, optionally limited in length (the codec limits every value to 65 536 items anyway).
 *
 * @param item The schema of every item.
 * @param max Most items; unlimited by default.
 * @returns The schema.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { int, list } from "./schema.ts";
 * v.is(list(int, 2), [1, 2, 3]); // false
 * ```
 */
export function list<const S extends v.GenericSchema>(item: S, max: number = Infinity) {
  return v.pipe(v.array(item, mustBe("a list")), v.maxLength(max, `must hold at most ${max} items`));
}

/**
 * One of a fixed set of strings.
 *
 * @param options The strings allowed.
 * @returns The schema.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { oneOf } from "./schema.ts";
 * v.is(oneOf(["a", "b"]), "c"); // false
 * ```
 */
export function oneOf<const O extends readonly string[]>(options: O) {
  return v.picklist(
    options,
    (issue) =>
      typeof issue.input === "string"
        ? `must be one of ${options.map((o) => `"${o}"`).join(", ")}`
        : mustBe("a string")(issue),
  );
}

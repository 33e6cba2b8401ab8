// Checks a decoded body against its schema and names the first field that does not fit (PROTOCOL.md §5).

import * as v from "valibot";
import type { OpDef, PushBodyOf, PushDef, RequestOf, ResponseOf } from "./define.ts";

/** The outcome of {@link parseValue}: the typed value, or the first problem with its dotted path. */
export type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; path: string; message: string };

/**
 * Checks a value against a schema.
 *
 * The message is a sentence (sentence case, no final period) naming the field, ready to be the message of a
 * `bad_request` answer: "Field device.publicKey must be bytes, not a string", "The body must be a map, not a list".
 * It never quotes a received string or bytes.
 *
 * @param schema A schema built from `schema.ts` (or any valibot schema).
 * @param value A decoded body.
 * @returns `{ ok: true, value }` with keys the schema does not name left out, or `{ ok: false, path, message }` for
 *   the first issue, `path` being dotted (`device.publicKey`, `userIds.3`) and empty for the body itself.
 *
 * @example
 * ```ts
 * import { parseValue } from "./parse.ts";
 * import { bytes, map } from "./schema.ts";
 * parseValue(map({ proof: bytes(32) }), { proof: "x" });
 * // { ok: false, path: "proof", message: "Field proof must be bytes, not a string" }
 * ```
 */
export function parseValue<S extends v.GenericSchema>(schema: S, value: unknown): ParseResult<v.InferOutput<S>> {
  // The first issue is all a caller reports, so there is no need to look for more.
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  const path = (issue.path ?? []).map((item) => String(item.key)).join(".");
  return { ok: false, path, message: `${path === "" ? "The body" : `Field ${path}`} ${issue.message}` };
}

/**
 * Checks a request body against its operation's request schema (what the server does before a handler runs).
 *
 * @param def The operation.
 * @param body The decoded request body.
 * @returns The typed body, or the first problem; a failure is answered `bad_request` with its message.
 *
 * @example
 * ```ts
 * import { checkRequest } from "./parse.ts";
 * import { OPS } from "./registry.ts";
 * checkRequest(OPS.ping, []); // { ok: false, path: "", message: "The body must be a map, not a list" }
 * ```
 */
export function checkRequest<D extends OpDef>(def: D, body: unknown): ParseResult<RequestOf<D>> {
  return parseValue(def.request, body);
}

/**
 * Checks a response body against its operation's response schema (what a client does before it trusts an answer).
 *
 * @param def The operation.
 * @param body The decoded response body.
 * @returns The typed body, or the first problem.
 *
 * @example
 * ```ts
 * import { checkResponse } from "./parse.ts";
 * import { OPS } from "./registry.ts";
 * checkResponse(OPS.ping, { time: 1700000000000 }); // { ok: true, value: { time: 1700000000000 } }
 * ```
 */
export function checkResponse<D extends OpDef>(def: D, body: unknown): ParseResult<ResponseOf<D>> {
  return parseValue(def.response, body);
}

/**
 * Checks a push body against its push's schema.
 *
 * @param def The push.
 * @param body The decoded push body.
 * @returns The typed body, or the first problem.
 *
 * @example
 * ```ts
 * import { checkPush } from "./parse.ts";
 * import { PUSHES } from "./registry.ts";
 * checkPush(PUSHES.presence, { userId: 7, online: true, lastSeenAt: null }).ok; // true
 * ```
 */
export function checkPush<D extends PushDef>(def: D, body: unknown): ParseResult<PushBodyOf<D>> {
  return parseValue(def.body, body);
}

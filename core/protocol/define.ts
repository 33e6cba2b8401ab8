// Identity helpers that define an operation or a push once, with the schemas of its bodies (PROTOCOL.md §5).

import type * as v from "valibot";
import type { ErrorCode } from "./errors.ts";

/** Who may send an operation: any connection, or only a logged-in one (`not_logged_in` otherwise). */
export type Auth = "anonymous" | "user";

/** A body schema: any valibot schema (the blocks of `schema.ts` accept exactly the codec's value types). */
export type BodySchema = v.GenericSchema;

/** An operation: a request the client sends and the response the server answers with (PROTOCOL.md §5). */
export interface OpDef<
  Code extends number = number,
  Name extends string = string,
  Req extends BodySchema = BodySchema,
  Res extends BodySchema = BodySchema,
  A extends Auth = Auth,
> {
  /** The u16 opcode of its envelopes. */
  readonly opcode: Code;
  /** Its snake_case name on the wire and in the spec, e.g. `login_finish`. */
  readonly name: Name;
  /** The request body's schema. */
  readonly request: Req;
  /** The response body's schema. */
  readonly response: Res;
  /** The error codes it may answer besides the generic ones (`GENERIC_ERRORS`, and `not_logged_in` for `user`). */
  readonly errors: readonly ErrorCode[];
  /** Who may send it; kept as a literal type, so a server handler of a `user` operation knows it has a user. */
  readonly auth: A;
  /** Whether the server handles it in arrival order with the connection's other ordered requests (PROTOCOL.md §3). */
  readonly ordered: boolean;
}

/** A push: an envelope with id 0 the server sends unasked (PROTOCOL.md §3). */
export interface PushDef<
  Code extends number = number,
  Name extends string = string,
  Body extends BodySchema = BodySchema,
> {
  /** The u16 opcode of its envelopes. */
  readonly opcode: Code;
  /** Its snake_case name in the spec. */
  readonly name: Name;
  /** The body's schema. */
  readonly body: Body;
}

/** The request body of an operation, as the server reads it after parsing and as the client sends it. */
export type RequestOf<D extends OpDef> = v.InferOutput<D["request"]>;
/** The response body of an operation. */
export type ResponseOf<D extends OpDef> = v.InferOutput<D["response"]>;
/** The body of a push. */
export type PushBodyOf<D extends PushDef> = v.InferOutput<D["body"]>;

/**
 * Defines an operation. Its job is type inference: the result is the definition itself, frozen, with `ordered`
 * defaulting to false.
 *
 * @param def Opcode, snake_case name, request and response schemas, extra error codes, auth rule, ordering.
 * @returns The definition.
 *
 * @example
 * ```ts
 * import { defineOp } from "./define.ts";
 * import { int, map } from "./schema.ts";
 * const ping = defineOp({
 *   opcode: 0x0001,
 *   name: "ping",
 *   request: map({}),
 *   response: map({ time: int }),
 *   errors: [],
 *   auth: "anonymous",
 * });
 * ping.ordered; // false
 * ```
 */
export function defineOp<
  const Code extends number,
  const Name extends string,
  Req extends BodySchema,
  Res extends BodySchema,
  const A extends Auth,
>(def: {
  opcode: Code;
  name: Name;
  request: Req;
  response: Res;
  errors: readonly ErrorCode[];
  auth: A;
  ordered?: boolean;
}): OpDef<Code, Name, Req, Res, A> {
  return Object.freeze({ ...def, errors: Object.freeze([...def.errors]), ordered: def.ordered ?? false });
}

/**
 * Defines a push. Its job is type inference: the result is the definition itself, frozen.
 *
 * @param def Opcode, snake_case name and body schema.
 * @returns The definition.
 *
 * @example
 * ```ts
 * import { definePush } from "./define.ts";
 * import { int, map } from "./schema.ts";
 * const keepAlive = definePush({ opcode: 0x0001, name: "ping", body: map({ time: int }) });
 * keepAlive.name; // "ping"
 * ```
 */
export function definePush<const Code extends number, const Name extends string, Body extends BodySchema>(
  def: { opcode: Code; name: Name; body: Body },
): PushDef<Code, Name, Body> {
  return Object.freeze({ ...def });
}

// The error a handler throws to refuse a request with a protocol error code (PROTOCOL.md §6).

import type { ErrorCode } from "../../core/protocol/errors.ts";

/** Options of a {@link RequestError}. */
export interface RequestErrorOptions extends ErrorOptions {
  /** For `throttled` and `rate_limited`: when the client may try again, in milliseconds. */
  retryAfterMs?: number;
}

/**
 * A request the server refuses: the dispatcher answers it with an `error` envelope carrying `code`, and the
 * connection stays open (PROTOCOL.md §6). Anything else a handler throws is a bug, answered `internal`.
 *
 * @example
 * ```ts
 * import { RequestError } from "./errors.ts";
 * const error = new RequestError("throttled", "Too many attempts: try again in 2 s", { retryAfterMs: 2000 });
 * error.code; // "throttled"
 * ```
 */
export class RequestError extends Error {
  override name = "RequestError";
  /** Error code sent to the client. */
  readonly code: ErrorCode;
  /** For `throttled` and `rate_limited`: when the client may try again. */
  readonly retryAfterMs: number | undefined;

  /**
   * @param code Error code sent to the client.
   * @param message Sentence-case explanation sent to the client, without a final period.
   * @param options `retryAfterMs` for `throttled` and `rate_limited`; `cause`, kept for the logs, never sent.
   */
  constructor(code: ErrorCode, message: string, options: RequestErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The fields that log an unexpected error fully: its text, its stack, and the chain of its causes (each with its own
 * stack), so a failure deep in a library is not reduced to one line.
 *
 * @param error Anything thrown.
 * @returns Log fields `error`, `stack` and, when there is a cause, `cause`.
 *
 * @example
 * ```ts
 * import { errorFields } from "./errors.ts";
 * errorFields(new Error("outer", { cause: new Error("inner") })).cause; // "Error: inner\n    at …"
 * ```
 */
export function errorFields(error: unknown): Record<string, string> {
  const fields: Record<string, string> = { error: String(error) };
  if (error instanceof Error && error.stack) fields.stack = error.stack;
  const causes: string[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  // A few levels are enough to find the origin; a cycle of causes must not loop forever.
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    causes.push(cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (causes.length > 0) fields.cause = causes.join("\nCaused by: ");
  return fields;
}

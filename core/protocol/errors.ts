// Error codes of PROTOCOL.md §6 and the typed error a client raises when the server answers with one.

import type { Value } from "../codec/value.ts";

/** Machine-readable error codes carried in an `error` envelope (PROTOCOL.md §6). */
export type ErrorCode =
  | "bad_frame"
  | "frame_too_large"
  | "unknown_opcode"
  | "bad_request"
  | "server_busy"
  | "rate_limited"
  | "too_many_connections"
  | "login_timeout"
  | "timeout"
  | "server_shutdown"
  | "internal"
  | "username_taken"
  | "username_invalid"
  | "nickname_invalid"
  | "credentials_wrong"
  | "throttled"
  | "not_logged_in"
  | "already_logged_in"
  | "out_of_order"
  | "registration_closed"
  | "invite_required"
  | "invite_invalid"
  | "device_unknown"
  | "not_found"
  | "not_allowed"
  | "already_friends"
  | "already_requested"
  | "too_large"
  | "bad_image"
  | "recall_expired"
  | "upload_mismatch"
  | "bad_offset"
  | "too_many_uploads"
  | "room_code_invalid";

/**
 * Every error code with whether the server closes the connection after sending it as an error envelope. Before the
 * channel exists a refusal is an alert, which always ends the connection (`server_busy`, `rate_limited` for new
 * connections); `rate_limited` as the answer to `register_start` leaves it open.
 */
export const ERROR_CODES: Readonly<Record<ErrorCode, { closes: boolean }>> = {
  bad_frame: { closes: true },
  frame_too_large: { closes: true },
  unknown_opcode: { closes: true },
  bad_request: { closes: false },
  server_busy: { closes: true },
  rate_limited: { closes: false },
  too_many_connections: { closes: true },
  login_timeout: { closes: true },
  timeout: { closes: true },
  server_shutdown: { closes: true },
  internal: { closes: false },
  username_taken: { closes: false },
  username_invalid: { closes: false },
  nickname_invalid: { closes: false },
  credentials_wrong: { closes: false },
  throttled: { closes: false },
  not_logged_in: { closes: false },
  already_logged_in: { closes: false },
  out_of_order: { closes: false },
  registration_closed: { closes: false },
  invite_required: { closes: false },
  invite_invalid: { closes: false },
  device_unknown: { closes: false },
  not_found: { closes: false },
  not_allowed: { closes: false },
  already_friends: { closes: false },
  already_requested: { closes: false },
  too_large: { closes: false },
  bad_image: { closes: false },
  recall_expired: { closes: false },
  upload_mismatch: { closes: false },
  bad_offset: { closes: false },
  too_many_uploads: { closes: false },
  room_code_invalid: { closes: false },
};

/**
 * Codes any operation may answer, whatever its definition lists: a malformed or unexpected request, a server failure,
 * and what ends or refuses the whole connection. A `user` operation may also answer `not_logged_in`.
 */
export const GENERIC_ERRORS: readonly ErrorCode[] = Object.freeze([
  "bad_frame",
  "frame_too_large",
  "unknown_opcode",
  "bad_request",
  "server_busy",
  "too_many_connections",
  "login_timeout",
  "timeout",
  "server_shutdown",
  "internal",
]);

/** The body of an `error` envelope. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
}

/**
 * Builds the map body of an `error` envelope.
 *
 * @param code The error code.
 * @param message A human-readable sentence, sentence case, no final period.
 * @param retryAfterMs For `rate_limited` and `throttled`: milliseconds before trying again.
 * @returns A value ready to be the body of an envelope with opcode `Op.error`.
 *
 * @example
 * ```ts
 * import { errorBody } from "./errors.ts";
 * errorBody("bad_request", "Echo needs a body"); // { code: "bad_request", message: "Echo needs a body" }
 * ```
 */
export function errorBody(code: ErrorCode, message: string, retryAfterMs?: number): Value {
  return retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs };
}

/** Raised on the client when the server answers a request with an `error` envelope. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  /** The server's error code; unknown codes from newer servers are kept as they are. */
  readonly code: string;
  /** For `rate_limited` and `throttled`: milliseconds before trying again. */
  readonly retryAfterMs: number | undefined;

  /**
   * @param code The error code from the server.
   * @param message The server's message.
   * @param retryAfterMs Milliseconds before trying again, when given.
   */
  constructor(code: string, message: string, retryAfterMs?: number) {
    super(message);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  /**
   * Reads an `error` envelope body, tolerating a malformed one.
   *
   * @param body The body of an envelope with opcode `Op.error`.
   * @returns The error it describes.
   *
   * @example
   * ```ts
   * import { ProtocolError } from "./errors.ts";
   * ProtocolError.fromBody({ code: "internal", message: "Oops" }).code; // "internal"
   * ```
   */
  static fromBody(body: Value): ProtocolError {
    if (body === null || typeof body !== "object" || Array.isArray(body) || body instanceof Uint8Array) {
      return new ProtocolError("bad_frame", "Server sent a malformed error");
    }
    const code = typeof body.code === "string" ? body.code : "bad_frame";
    const message = typeof body.message === "string" ? body.message : "Server sent an error without a message";
    const retry = typeof body.retryAfterMs === "number" ? body.retryAfterMs : undefined;
    return new ProtocolError(code, message, retry);
  }
}

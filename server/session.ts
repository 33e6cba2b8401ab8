// The session handler: decodes envelopes from any Connection, dispatches them to services, answers.

import { CodecError } from "../core/codec/error.ts";
import { decodeEnvelope, encodeEnvelope } from "../core/codec/envelope.ts";
import type { Value } from "../core/codec/value.ts";
import { errorBody, type ErrorCode } from "../core/protocol/errors.ts";
import { Op } from "../core/protocol/opcodes.ts";
import type { Logger } from "./log.ts";
import { type Connection, FrameError } from "./transport/connection.ts";

/** What a handler knows about the request it serves. */
export interface RequestContext {
  readonly connection: Connection;
  readonly logger: Logger;
}

/** Serves one opcode: returns the response body or throws a {@link RequestError}. */
export type Handler = (body: Value, context: RequestContext) => Value | Promise<Value>;

/** A request the server refuses; the connection stays open (PROTOCOL.md §6). */
export class RequestError extends Error {
  override name = "RequestError";
  readonly code: ErrorCode;
  /** For `throttled` and `rate_limited`: when the client may try again. */
  readonly retryAfterMs: number | undefined;

  /**
   * @param code Error code sent to the client.
   * @param message Sentence-case explanation sent to the client.
   * @param retryAfterMs When the client may try again, for `throttled`.
   */
  constructor(code: ErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Everything a session needs from the server. */
export interface SessionOptions {
  logger: Logger;
  handlers: ReadonlyMap<number, Handler>;
}

/**
 * Serves one connection until it ends: reads frames, answers requests in
 * order, and on malformed input sends an error envelope and closes. Never
 * throws; whatever happens is logged and ends in `connection.close()`.
 *
 * @param connection The client connection.
 * @param options Logger and opcode handlers.
 * @returns Resolves once the connection is closed.
 */
export async function runSession(connection: Connection, options: SessionOptions): Promise<void> {
  const { logger, handlers } = options;
  const context: RequestContext = { connection, logger };
  const log = { conn: connection.id, remote: connection.remoteAddress };
  const fail = (code: ErrorCode, message: string, id: number, wsCode: number, fields: Record<string, unknown> = {}) => {
    logger.warn("protocol_error", { ...log, code, message, ...fields });
    connection.write(encodeEnvelope({ opcode: Op.error, id, body: errorBody(code, message) }));
    return connection.close(code, wsCode);
  };

  try {
    for (let payload; (payload = await connection.read()) !== null;) {
      let envelope;
      try {
        envelope = decodeEnvelope(payload);
      } catch (error) {
        if (!(error instanceof CodecError)) throw error;
        return await fail("bad_frame", `Cannot decode envelope: ${error.message}`, 0, 1002, { offset: error.offset });
      }
      const { opcode, id, body } = envelope;
      const handler = handlers.get(opcode);
      if (!handler) {
        const hex = "0x" + opcode.toString(16).padStart(4, "0");
        return await fail("unknown_opcode", `Unknown opcode ${hex}`, id, 1002);
      }
      if (id === 0) {
        connection.write(encodeEnvelope({
          opcode: Op.error,
          id: 0,
          body: errorBody("bad_request", "A request needs a non-zero id"),
        }));
        continue;
      }
      connection.write(await answer(handler, opcode, id, body, context));
    }
    await connection.close("peer_closed");
  } catch (error) {
    if (error instanceof FrameError) {
      const cause = error.cause instanceof CodecError ? { offset: error.cause.offset } : {};
      await fail(error.code, error.message, 0, error.wsCode, cause);
      return;
    }
    logger.error("session_failed", { ...log, error: String(error) });
    await connection.close("internal_error", 1011);
  }
}

/** Runs one handler and encodes its response, or the error it raised. */
async function answer(handler: Handler, opcode: number, id: number, body: Value, context: RequestContext) {
  try {
    return encodeEnvelope({ opcode, id, body: await handler(body, context) });
  } catch (error) {
    if (error instanceof RequestError) {
      return encodeEnvelope({ opcode: Op.error, id, body: errorBody(error.code, error.message, error.retryAfterMs) });
    }
    // A bug in a service must not take the connection down: log it, tell the client, go on.
    context.logger.error("handler_failed", { conn: context.connection.id, opcode, error: String(error) });
    return encodeEnvelope({
      opcode: Op.error,
      id,
      body: errorBody("internal", "The server failed to handle the request"),
    });
  }
}

// The walking-skeleton service: `ping` and `echo` (PROTOCOL.md §5).

import type { Value } from "../../core/codec/value.ts";
import { Op } from "../../core/protocol/opcodes.ts";
import { type Handler, RequestError } from "../session.ts";

/**
 * Handlers for `ping` and `echo`.
 *
 * @param now Clock in milliseconds since the epoch.
 * @returns Handlers keyed by opcode.
 */
export function echoHandlers(now: () => number = Date.now): Map<number, Handler> {
  return new Map<number, Handler>([
    [Op.ping, (body) => {
      if (!isMap(body) || Object.keys(body).length > 0) {
        throw new RequestError("bad_request", "Ping takes an empty map");
      }
      return { time: now() };
    }],
    [Op.echo, (body, { connection, logger }) => {
      // The course requirement: the server shows what it got, then sends it back.
      logger.info("echo", { conn: connection.id, body: preview(body) });
      return body;
    }],
  ]);
}

function isMap(value: Value): value is { [key: string]: Value } {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** A short, log-safe rendering of a value. */
function preview(value: Value): string {
  if (typeof value === "string") return value.length > 200 ? value.slice(0, 200) + "…" : value;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return `<list of ${value.length}>`;
  if (value !== null && typeof value === "object") return `<map of ${Object.keys(value).length}>`;
  return String(value);
}

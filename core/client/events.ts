// Typed server pushes: reads `kicked` and `presence` bodies (PROTOCOL.md §10.4-10.5) into events a UI can use.

import type { Value } from "../codec/value.ts";
import { Op } from "../protocol/opcodes.ts";
import type { Push } from "./client.ts";

/** This session was replaced by a login elsewhere; the server closes the connection next (PROTOCOL.md §10.4). */
export interface KickedEvent {
  type: "kicked";
  /** When the new login came, in milliseconds since the epoch. */
  at: number;
  /** The address the new login came from. */
  address: string;
}

/** A contact came online or went offline (PROTOCOL.md §10.5). */
export interface PresenceEvent {
  type: "presence";
  userId: number;
  online: boolean;
  /** When the user was last seen, in milliseconds since the epoch; null while online or never seen. */
  lastSeenAt: number | null;
}

/** Every push a client understands. */
export type ServerEvent = KickedEvent | PresenceEvent;

/**
 * Reads a push into a typed event.
 *
 * @param push A push from `MimiClient.onPush`.
 * @returns The event, or `undefined` for a push this client does not know or whose body is malformed (a newer
 *   server may send more; ignoring it keeps the session alive).
 *
 * @example
 * ```ts
 * import { readPush } from "./events.ts";
 * import { Op } from "../protocol/opcodes.ts";
 * readPush({ opcode: Op.presence, body: { userId: 7, online: true, lastSeenAt: null } });
 * // { type: "presence", userId: 7, online: true, lastSeenAt: null }
 * ```
 */
export function readPush(push: Push): ServerEvent | undefined {
  const body = asMap(push.body);
  if (!body) return undefined;
  if (push.opcode === Op.kicked) {
    if (typeof body.at !== "number" || typeof body.address !== "string") return undefined;
    return { type: "kicked", at: body.at, address: body.address };
  }
  if (push.opcode === Op.presence) {
    const { userId, online, lastSeenAt } = body;
    if (typeof userId !== "number" || typeof online !== "boolean") return undefined;
    if (lastSeenAt !== null && typeof lastSeenAt !== "number") return undefined;
    return { type: "presence", userId, online, lastSeenAt };
  }
  return undefined;
}

function asMap(value: Value): { [key: string]: Value } | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array) {
    return undefined;
  }
  return value;
}

// Typed server pushes: reads `kicked` and `presence` bodies (PROTOCOL.md §10.4-10.5) with the registry's schemas.

import type { PushBodyOf } from "../protocol/define.ts";
import { checkPush } from "../protocol/parse.ts";
import { PUSHES } from "../protocol/registry.ts";
import { isMap } from "../protocol/schema.ts";
import type { Push } from "./client.ts";

/**
 * The body of a `kicked` push: when, from where and why the session was taken over (PROTOCOL.md §10.4); and what only
 * the client knows: `ownRevoke` when this session revoked its own device, so a UI need not say "another session".
 */
export type Kick = PushBodyOf<typeof PUSHES.kicked> & { ownRevoke?: boolean };

/** Why the server ended a session: another login of the account (`elsewhere`) or this device revoked (`revoked`). */
export type KickReason = Kick["reason"];

/** One user's presence, as a `presence` push or a `watch_presence` answer gives it. */
export type Presence = PushBodyOf<typeof PUSHES.presence>;

/** This session was replaced by a login elsewhere or its device revoked; the server closes the connection next. */
export type KickedEvent = { type: "kicked" } & Kick;

/** A watched user came online or went offline (PROTOCOL.md §10.5). */
export type PresenceEvent = { type: "presence" } & Presence;

/** Every push a client understands. */
export type ServerEvent = KickedEvent | PresenceEvent;

/**
 * Reads the body of a `kicked` push. A server older than remembered devices sends no `reason`: the only reason it
 * knew was another login, so that is what a missing one means.
 *
 * @param body The push's body.
 * @returns The kick, or `undefined` when `at` or `address` is missing or mistyped, or `reason` is not a known one.
 *
 * @example
 * ```ts
 * import { readKick } from "./events.ts";
 * readKick({ at: 5, address: "10.0.0.2:5000" }); // { at: 5, address: "10.0.0.2:5000", reason: "elsewhere" }
 * ```
 */
export function readKick(body: unknown): Kick | undefined {
  if (!isMap(body)) return undefined;
  const checked = checkPush(PUSHES.kicked, body.reason === undefined ? { ...body, reason: "elsewhere" } : body);
  return checked.ok ? checked.value : undefined;
}

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
  if (push.opcode === PUSHES.kicked.opcode) {
    const kick = readKick(push.body);
    return kick && { type: "kicked", ...kick };
  }
  if (push.opcode === PUSHES.presence.opcode) {
    const checked = checkPush(PUSHES.presence, push.body);
    return checked.ok ? { type: "presence", ...checked.value } : undefined;
  }
  return undefined;
}

/**
 * Refused because the server handed this connection's session to another login or revoked its device: the connection
 * is over for good (PROTOCOL.md §10.4).
 */
export class KickedError extends Error {
  override name = "KickedError";
  /** When, from where and why. */
  readonly kick: Kick;

  /** @param kick The body of the `kicked` push. */
  constructor(kick: Kick) {
    super(
      kick.reason === "revoked"
        ? "This device was signed out from another device"
        : `Signed in elsewhere (from ${kick.address}): this connection is closed`,
    );
    this.kick = kick;
  }
}

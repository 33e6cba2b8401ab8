// Builds a push for the hub from a registry definition, so its body is typed by the push's schema.

import type { Value } from "../../core/codec/value.ts";
import type { PushBodyOf, PushDef } from "../../core/protocol/define.ts";
import type { Push } from "./types.ts";

/**
 * A push of `def` with `body`.
 *
 * @param def A push of the registry (`PUSHES.presence`).
 * @param body Its body, typed by the push's schema.
 * @returns The push, ready for `Hub.deliver`.
 *
 * @example
 * ```ts
 * import { PUSHES } from "../../core/protocol/registry.ts";
 * import { push } from "./push.ts";
 * push(PUSHES.presence, { userId: 7, online: true, lastSeenAt: null }).opcode; // 0x0101
 * ```
 */
export function push<D extends PushDef>(def: D, body: PushBodyOf<D>): Push {
  return { opcode: def.opcode, body: body as Value };
}

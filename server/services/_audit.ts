// Helpers the services share for what they tell the operator: audit log lines and waits in words.

import type { Logger } from "../log.ts";
import { RequestError } from "../rpc/errors.ts";
import type { Connection } from "../transport/connection.ts";

/**
 * Writes an audit line: an account action, on which connection, from where.
 *
 * @param logger The server's logger.
 * @param action What happened (`login`, `register`, `resume`, `device_revoked`, …).
 * @param connection The connection it happened on.
 * @param fields More to say (the user's id, the account key); never a secret.
 */
export function audit(
  logger: Logger,
  action: string,
  connection: Pick<Connection, "id" | "remoteAddress">,
  fields: Record<string, unknown> = {},
): void {
  logger.info("audit", { action, conn: connection.id, remote: connection.remoteAddress, ...fields });
}

/**
 * A wait in words for an error message: seconds under two minutes, else minutes.
 *
 * @param ms The wait in milliseconds.
 * @returns E.g. `2 s`, `15 min`.
 *
 * @example
 * ```ts
 * import { waitText } from "./_audit.ts";
 * waitText(1500); // "2 s"
 * ```
 */
export function waitText(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/**
 * The refusal of a throttled attempt, audited: one wording and one `retryAfterMs` for every throttle that says
 * "too many attempts" (registration, login, resume).
 *
 * @param logger The server's logger.
 * @param connection The connection the attempt came on.
 * @param wait How long until another attempt is heard, in milliseconds.
 * @param fields What the audit line says of the attempt (the operation, the account key).
 * @returns The error to throw.
 */
export function throttled(
  logger: Logger,
  connection: Pick<Connection, "id" | "remoteAddress">,
  wait: number,
  fields: Record<string, unknown>,
): RequestError {
  audit(logger, "throttle", connection, { ...fields, retryAfterMs: wait });
  return new RequestError("throttled", `Too many attempts: try again in ${waitText(wait)}`, { retryAfterMs: wait });
}

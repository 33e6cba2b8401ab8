// Helpers the services share for what they tell the operator: audit log lines and waits in words.

import type { Logger } from "../log.ts";
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

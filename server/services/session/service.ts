// The session service: `ping` and `echo` (PROTOCOL.md §5), and the one login of an account (§10.4-10.5).

import type { Value } from "../../../core/codec/value.ts";
import type { Clock } from "../../../core/time/clock.ts";
import { defineService, type Service } from "../../rpc/service.ts";
import type { Sessions } from "./sessions.ts";

/** What the session service needs. */
export interface SessionDeps {
  sessions: Sessions;
  clock: Clock;
}

/**
 * The session service: the connection-level operations, and the login claim that follows a connection's login,
 * logout and close.
 *
 * @param deps The login registry and the clock.
 * @returns The service.
 */
export function sessionService({ sessions, clock }: SessionDeps): Service {
  return defineService({
    name: "session",
    ops: {
      ping: () => ({ time: clock.now() }),
      echo(body, { connection, logger }) {
        // The course requirement: the server shows what it got, then sends it back.
        logger.info("echo", { conn: connection.id, body: preview(body) });
        return body;
      },
    },
    async onLogin({ connection }, user) {
      await sessions.attach(user.id, connection);
    },
    async onLogout({ connection }) {
      await sessions.logout(connection);
    },
    onClose({ connection }) {
      sessions.dropped(connection);
    },
  });
}

/** A short, log-safe rendering of a value. */
function preview(value: Value): string {
  if (typeof value === "string") return value.length > 200 ? value.slice(0, 200) + "…" : value;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return `<list of ${value.length}>`;
  if (value !== null && typeof value === "object") return `<map of ${Object.keys(value).length}>`;
  return String(value);
}

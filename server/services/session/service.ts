// The session service: `ping` and `echo` (PROTOCOL.md §5), and the one login of an account, held in the hub (§10.4).

import type { Value } from "../../../core/codec/value.ts";
import type { Clock } from "../../../core/time/clock.ts";
import type { Hub } from "../../hub/types.ts";
import { stateSlot } from "../../rpc/context.ts";
import { defineService, type Service } from "../../rpc/service.ts";

/** Echoes of one connection shown in full; past them, one line in {@link ECHO_SAMPLE_EVERY} with the count. */
export const ECHO_LINES_SHOWN = 8;
/** After the first {@link ECHO_LINES_SHOWN}, the echoes of one connection that get a line: one in this many. */
export const ECHO_SAMPLE_EVERY = 1024;

/** How many echoes this connection has asked for. */
const echoCount = stateSlot("session.echoes", () => ({ n: 0 }));

/** What the session service needs. */
export interface SessionDeps {
  hub: Hub;
  clock: Clock;
}

/**
 * The session service: the connection-level operations, and the login claim that follows a connection's login,
 * logout and close: a login claims the account in the hub (kicking an older connection), a logout releases it at once,
 * a close after the presence grace period.
 *
 * @param deps The hub and the clock.
 * @returns The service.
 */
export function sessionService({ hub, clock }: SessionDeps): Service {
  return defineService({
    name: "session",
    ops: {
      ping: () => ({ time: clock.now() }),
      echo(body, { connection, logger, state }) {
        // The course requirement: the server shows what it got, then sends it back. Shown for the first few of each
        // connection (a person trying it), then sampled: a line per echo was 8 % of an echo round trip's CPU.
        const seen = ++state(echoCount).n;
        if (seen <= ECHO_LINES_SHOWN || seen % ECHO_SAMPLE_EVERY === 0) {
          logger.info("echo", { conn: connection.id, body: preview(body), ...(seen > ECHO_LINES_SHOWN && { seen }) });
        }
        return body;
      },
    },
    async onLogin({ connection }, user) {
      await hub.claim(user.id, connection, user.deviceId);
    },
    async onLogout({ connection }) {
      await hub.release(connection, "logout");
    },
    async onClose({ connection, user }) {
      if (user) await hub.release(connection, "closed");
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

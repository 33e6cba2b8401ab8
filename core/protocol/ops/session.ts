// Connection-level operations and pushes: ping, echo, the keep-alive ping and `kicked` (PROTOCOL.md §5, §10.4, §11.3).

import { defineOp, definePush } from "../define.ts";
import { anyValue, map, oneOf, string, time } from "../schema.ts";

/** Liveness check; the answer carries the server clock (ms since the epoch). */
export const ping = defineOp({
  opcode: 0x0001,
  name: "ping",
  request: map({}),
  response: map({ time }),
  errors: [],
  auth: "anonymous",
});

/** The server logs the body and sends it back unchanged: any value, not only a map. */
export const echo = defineOp({
  opcode: 0x0002,
  name: "echo",
  request: anyValue,
  response: anyValue,
  errors: [],
  auth: "anonymous",
});

/** Push: the server's keep-alive after `keepAliveMs` of silence; the client answers with any request (§11.3). */
export const keepAlive = definePush({ opcode: 0x0001, name: "ping", body: map({ time }) });

/** Why a connection was kicked: a login or resume of the account elsewhere, or its device revoked. */
export const KICK_REASONS = ["elsewhere", "revoked"] as const;

/** Push: this connection's login ends, told when and from where; the server closes the connection next (§10.4). */
export const kicked = definePush({
  opcode: 0x0100,
  name: "kicked",
  body: map({ at: time, address: string, reason: oneOf(KICK_REASONS) }),
});

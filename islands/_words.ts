// What the web client says: errors in words, and times relative to now.

import { ProtocolError } from "../core/protocol/errors.ts";
import { TransportError } from "../core/client/mod.ts";

/** A wait in words: whole seconds under two minutes, else whole minutes, never less than 1 s. */
const wait = (ms: number | undefined) => {
  const seconds = Math.max(1, Math.ceil((ms ?? 0) / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
};

/**
 * Says what went wrong in words a user understands.
 *
 * @param error What a request or the connection rejected with.
 * @returns One sentence without a final period.
 */
export function errorText(error: unknown): string {
  if (error instanceof ProtocolError) {
    switch (error.code) {
      case "credentials_wrong":
        return "Wrong username or password";
      case "throttled":
        return `Too many attempts, try again in ${wait(error.retryAfterMs)}`;
      case "username_taken":
        return "This username is taken, choose another";
      case "username_invalid":
      case "nickname_invalid":
        return error.message; // The server's sentence names the rule (PROTOCOL.md §10.1).
      case "not_logged_in":
        return "You are not logged in any more, log in again";
      case "rate_limited":
        return `Too many new accounts for now, try again in ${wait(error.retryAfterMs)}`;
      case "registration_closed":
        return "This server does not accept new accounts";
      case "invite_required":
        return "This server needs an invite code to register: ask its operator for one";
      case "invite_invalid":
        return "This invite code is unknown, used or expired";
      case "server_busy":
        return "The server is busy, try again later";
      case "too_many_connections":
        return "Too many connections from your network, close some tabs or try again later";
      case "server_shutdown":
        return "The server is restarting or shutting down, try again in a moment";
      case "timeout":
        return "The connection went quiet and the server closed it";
      case "internal":
        return "The server failed, try again later";
    }
    return error.message;
  }
  if (error instanceof TransportError) return `The connection to the server was lost (${error.message})`;
  return error instanceof Error ? error.message : String(error);
}

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600_000],
  ["month", 30 * 24 * 3600_000],
  ["week", 7 * 24 * 3600_000],
  ["day", 24 * 3600_000],
  ["hour", 3600_000],
  ["minute", 60_000],
];

/**
 * Says how long ago a moment was, coarsely: "just now", "5 minutes ago", "yesterday".
 *
 * @param at The moment, in milliseconds since the epoch.
 * @param now The current time.
 * @returns The phrase.
 */
export function timeAgo(at: number, now: number): string {
  const elapsed = now - at;
  for (const [unit, size] of UNITS) {
    if (elapsed >= size) return relative.format(-Math.floor(elapsed / size), unit);
  }
  return "just now";
}

// What the web client says: errors in words, times relative to now, and the name a remembered browser goes by.

import { DeviceKeyStoreError, HandshakeError, KickedError, ProtocolError, TransportError } from "../core/client/mod.ts";

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
  if (error instanceof TransportError) {
    return error.kind === "connect_failed"
      ? "The server cannot be reached"
      : `The connection to the server was lost (${error.message})`;
  }
  if (error instanceof KickedError) {
    if (error.kick.ownRevoke) return "You signed this device out";
    return error.kick.reason === "revoked"
      ? "This device was signed out from another session"
      : "Your account logged in elsewhere, log in again";
  }
  if (error instanceof HandshakeError) return `The secure connection failed: ${error.message}`;
  if (error instanceof DeviceKeyStoreError) return `This browser cannot keep the device's key (${error.message})`;
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

/**
 * A name for this browser in the account's device list: "Chrome on Linux", "Firefox on Windows".
 *
 * @param userAgent `navigator.userAgent`.
 * @returns Browser and system when recognised, else "Web browser"; at most 64 characters, as the server allows.
 */
export function deviceName(userAgent: string): string {
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /OPR\//.test(userAgent)
    ? "Opera"
    : /Firefox\//.test(userAgent)
    ? "Firefox"
    : /Chrom(e|ium)\//.test(userAgent)
    ? "Chrome"
    : /Safari\//.test(userAgent)
    ? "Safari"
    : "Web browser";
  const system = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad|iPod/.test(userAgent)
    ? "iOS"
    : /Windows/.test(userAgent)
    ? "Windows"
    : /Mac OS X|Macintosh/.test(userAgent)
    ? "macOS"
    : /CrOS/.test(userAgent)
    ? "ChromeOS"
    : /Linux/.test(userAgent)
    ? "Linux"
    : undefined;
  return system ? `${browser} on ${system}` : browser;
}

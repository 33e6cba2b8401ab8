// The short plain-text HTTP answers written straight to a socket before (or instead of) any HTTP server sees it:
// a refusal at admission, a browser on the TCP port, a bad upgrade.

import { STATUS_CODES } from "node:http";
import { concatBytes, utf8 } from "../../core/bytes/mod.ts";

/**
 * A complete HTTP/1.1 response with a plain-text body, that closes the connection.
 *
 * @param status The status code, e.g. 429.
 * @param text The body, one line; a newline is added.
 * @param retryAfterMs When set, a `Retry-After` header in whole seconds, at least 1.
 * @returns The bytes to write.
 */
export function plainHttpResponse(status: number, text: string, retryAfterMs?: number): Uint8Array {
  const body = utf8(text + "\n");
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${body.length}`,
    "Connection: close",
    ...(retryAfterMs !== undefined ? [`Retry-After: ${Math.max(1, Math.ceil(retryAfterMs / 1000))}`] : []),
  ];
  return concatBytes(utf8(head.join("\r\n") + "\r\n\r\n"), body);
}

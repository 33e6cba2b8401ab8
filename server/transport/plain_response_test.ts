import * as assert from "node:assert/strict";
import { plainHttpResponse } from "./plain_response.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("plainHttpResponse() writes the status line, a Content-Length that counts UTF-8 bytes, and closes", () => {
  const response = text(plainHttpResponse(400, "Not here — try the web port"));
  const [head, body] = response.split("\r\n\r\n");
  assert.equal(body, "Not here — try the web port\n");
  assert.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(head, new RegExp(`\r\nContent-Length: ${new TextEncoder().encode(body).length}(\r\n|$)`));
  assert.match(head, /\r\nConnection: close(\r\n|$)/);
  assert.doesNotMatch(head, /Retry-After/);
});

Deno.test("plainHttpResponse() rounds Retry-After up to whole seconds, never below 1", () => {
  assert.match(text(plainHttpResponse(429, "slow down", 1500)), /\r\nRetry-After: 2\r\n/);
  assert.match(
    text(plainHttpResponse(503, "busy", 0)),
    /^HTTP\/1\.1 503 Service Unavailable\r\n[^]*\r\nRetry-After: 1\r\n/,
  );
});

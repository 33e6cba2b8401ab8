// connectPage() against a real server, with the settings the server writes into its page.

import assert from "node:assert/strict";
import { nobleProvider } from "../crypto/primitives/noble.ts";
import { OPS } from "../protocol/registry.ts";
import { startTestServer, type TestServer } from "../../tests/_harness.ts";
import { untilState } from "../../tests/_sdk.ts";
import { ServerKeyChangedError } from "./key_changed.ts";
import { connectPage, type PageSettings } from "./page.ts";

/** What the server writes into its page (server/server.ts hands the same to routes/). */
function settingsOf(server: TestServer): PageSettings {
  return {
    wsPath: "/ws",
    fingerprint: server.server.fingerprint,
    crypto: server.config.crypto,
    maxFrameBytes: server.config.server.limits.maxFrameBytes,
    chat: {
      messageTextChars: server.config.server.limits.messageTextChars,
      imageBytes: server.config.server.limits.imageBytes,
      imagePixels: server.config.server.limits.imagePixels,
      thumbnailBytes: server.config.server.limits.thumbnailBytes,
      recallWindowMs: server.config.server.recallWindowMs,
    },
  };
}

Deno.test("connectPage() connects to the page's origin with the server's settings", async () => {
  const server = await startTestServer(["--crypto.aead=chacha20-poly1305"]);
  const origin = `http://127.0.0.1:${server.httpPort}`;
  const connection = connectPage(settingsOf(server), { origin, provider: nobleProvider });
  try {
    assert.equal(connection.server, origin);
    assert.equal(await connection.call(OPS.echo, "hi"), "hi");
    assert.match(connection.getSnapshot().connection.suite ?? "", /chacha20-poly1305/, "the server's suites");
  } finally {
    await connection.close();
    await server.close();
  }
});

Deno.test("connectPage() closes for good with both fingerprints when the server's key is not the page's", async () => {
  const server = await startTestServer();
  const settings = { ...settingsOf(server), fingerprint: "SHA256:the-page-was-served-with-this" };
  const connection = connectPage(settings, { origin: `http://127.0.0.1:${server.httpPort}`, provider: nobleProvider });
  try {
    const status = await untilState(connection, "closed");
    assert.ok(status.state === "closed" && status.error instanceof ServerKeyChangedError);
    assert.equal(status.error.expected, "SHA256:the-page-was-served-with-this");
    assert.equal(status.error.presented, server.server.fingerprint);
  } finally {
    await connection.close();
    await server.close();
  }
});

Deno.test("connectPage() refuses settings that are not what a server writes", () => {
  const crypto = { kex: [] } as unknown as PageSettings["crypto"];
  const chat = { messageTextChars: 10, imageBytes: 10, imagePixels: 10, thumbnailBytes: 10, recallWindowMs: 10 };
  const good: PageSettings = { wsPath: "/ws", fingerprint: "SHA256:x", crypto, maxFrameBytes: 1024, chat };
  const options = { origin: "http://127.0.0.1:1", provider: nobleProvider };
  assert.throws(() => connectPage({ ...good, wsPath: "ws" }, options), /wsPath/);
  assert.throws(() => connectPage({ ...good, maxFrameBytes: 0 }, options), /maxFrameBytes/);
  assert.throws(() => connectPage({ ...good, fingerprint: "" }, options), /fingerprint/);
  assert.throws(() => connectPage(undefined as unknown as PageSettings, options), /wsPath/);
});

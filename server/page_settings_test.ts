import assert from "node:assert/strict";
import { resolveConfig } from "../core/config/resolve.ts";
import { pageSettings, WEBSOCKET_PATH } from "./page_settings.ts";

Deno.test("pageSettings() hands the page the configured frame limit, crypto offer and chat limits", () => {
  const { config } = resolveConfig({
    args: ["--server.limits.thumbnailBytes=20000", "--server.recallWindowMs=60000", "--crypto.kex=x25519"],
  });
  const settings = pageSettings(config, "SHA256:abc");
  assert.equal(settings.wsPath, WEBSOCKET_PATH);
  assert.equal(settings.fingerprint, "SHA256:abc");
  assert.deepEqual(settings.crypto.kex, ["x25519"]);
  assert.equal(settings.maxFrameBytes, config.server.limits.maxFrameBytes);
  assert.equal(settings.chat.thumbnailBytes, 20000);
  assert.equal(settings.chat.recallWindowMs, 60000);
  assert.equal(settings.chat.messageTextChars, config.server.limits.messageTextChars);
});

// What the web page needs from the server's configuration to connect and chat: written into the page by routes/.

import type { PageSettings } from "../core/client/mod.ts";
import type { MimiConfig } from "../core/config/schema.ts";

/** Where the server accepts WebSocket upgrades (PROTOCOL.md §1). */
export const WEBSOCKET_PATH = "/ws";

/**
 * The page's settings from the resolved configuration.
 *
 * @param config The server's resolved configuration.
 * @param fingerprint The server's identity fingerprint (PROTOCOL.md §8.4).
 * @returns The WebSocket path, the fingerprint, the crypto offer, the frame limit and the chat limits.
 *
 * @example
 * ```ts
 * import { resolveConfig } from "../core/config/resolve.ts";
 * import { pageSettings } from "./page_settings.ts";
 *
 * const settings = pageSettings(resolveConfig({ args: [] }).config, "SHA256:…");
 * console.log(settings.chat.recallWindowMs); // 120000
 * ```
 */
export function pageSettings(config: MimiConfig, fingerprint: string): PageSettings {
  const { limits } = config.server;
  return {
    wsPath: WEBSOCKET_PATH,
    fingerprint,
    crypto: config.crypto,
    maxFrameBytes: limits.maxFrameBytes,
    chat: {
      messageTextChars: limits.messageTextChars,
      imageBytes: limits.imageBytes,
      imagePixels: limits.imagePixels,
      thumbnailBytes: limits.thumbnailBytes,
      recallWindowMs: config.server.recallWindowMs,
    },
  };
}

// connect() for a web page: the settings the server writes into the page it serves, and a connection made from them.

import type { CryptoConfig } from "../crypto/settings.ts";
import type { CryptoProvider } from "../crypto/primitives/types.ts";
import { connectWebSocket } from "../transport/websocket_client.ts";
import { connect, type ConnectOptions, type MimiConnection } from "./connect.ts";
import { pinFingerprint } from "./key_changed.ts";
import { secureOptionsFromConfig } from "./secure.ts";

/**
 * What a Mimi server tells the web page it serves, so the browser connects as the server expects: plain data, which
 * the page carries as JSON (island props).
 */
export interface PageSettings {
  /** The WebSocket endpoint's path on the page's origin, e.g. `/ws`. */
  wsPath: string;
  /** The server's fingerprint as the page was served: the handshake must present this key. */
  fingerprint: string;
  /** The server's `crypto` section: the page offers the same suites and uses the same record settings. */
  crypto: CryptoConfig;
  /** The largest envelope the server accepts (`server.limits.maxFrameBytes`), which the page accepts too. */
  maxFrameBytes: number;
  /** What the server accepts in a message, so the page refuses too much before sending and offers only what works. */
  chat: ChatLimits;
}

/** The server's limits on messages (its resolved config), as the chat needs them. */
export interface ChatLimits {
  /** Longest text, in characters (code points): `server.limits.messageTextChars`. */
  messageTextChars: number;
  /** Largest image, in bytes: `server.limits.imageBytes`. */
  imageBytes: number;
  /** Most pixels (width times height) of an image: `server.limits.imagePixels`. */
  imagePixels: number;
  /** Largest thumbnail, in bytes: `server.limits.thumbnailBytes`. */
  thumbnailBytes: number;
  /** How long after sending its sender may recall a message, in milliseconds: `server.recallWindowMs`. */
  recallWindowMs: number;
}

/** Options of {@link connectPage}: those of `connect()` but the transport, the secure options and the server name. */
export interface PageConnectOptions extends Omit<ConnectOptions, "open" | "secure" | "server"> {
  /**
   * The page's origin (`location.origin`): the WebSocket endpoint is on it, and it names the server in the device
   * key store.
   */
  origin: string;
  /** The primitives (`await detectProvider()`: WebCrypto in a secure context, noble elsewhere). */
  provider: CryptoProvider;
}

/**
 * Connects a page to the server that served it: a WebSocket on the page's origin, the server's suites and limits,
 * and its key pinned to the page's fingerprint (any other is {@link ServerKeyChangedError}, which closes for good).
 *
 * @param settings What the server wrote into the page.
 * @param options The origin and provider, and any option of `connect()` (`deviceKeys`, `clock`, `signal`…).
 * @returns The connection, already connecting.
 * @throws {TypeError} If the settings are not what a Mimi server writes (a page from another version, a damaged one).
 *
 * @example
 * ```ts ignore
 * import { connectPage, detectProvider, IndexedDbDeviceKeyStore } from "./mod.ts";
 * const settings = JSON.parse(element.dataset.props!);
 * const connection = connectPage(settings, {
 *   origin: location.origin,
 *   provider: await detectProvider(),
 *   deviceKeys: new IndexedDbDeviceKeyStore(),
 * });
 * ```
 */
export function connectPage(settings: PageSettings, options: PageConnectOptions): MimiConnection {
  const { wsPath, fingerprint, crypto, maxFrameBytes } = settings ?? {};
  if (typeof wsPath !== "string" || !wsPath.startsWith("/")) {
    throw new TypeError("Cannot connect the page: 'wsPath' must be a path such as /ws");
  }
  if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1) {
    throw new TypeError("Cannot connect the page: 'maxFrameBytes' must be a positive whole number");
  }
  if (typeof crypto !== "object" || crypto === null) {
    throw new TypeError("Cannot connect the page: 'crypto' is missing");
  }
  const { origin, provider, ...rest } = options;
  const url = new URL(wsPath, origin);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const secure = secureOptionsFromConfig(crypto, maxFrameBytes, provider, pinFingerprint(fingerprint));
  return connect({
    ...rest,
    open: (_signal, limits) => connectWebSocket(url.href, limits),
    secure,
    server: new URL(origin).origin,
  });
}

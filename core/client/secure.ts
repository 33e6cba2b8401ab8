// The client's secure-channel settings from the shared config, and the outer frame limit they call for.

import type { CryptoConfig } from "../config/schema.ts";
import { maxOuterPayload } from "../crypto/channel.ts";
import type { ClientSecureOptions } from "../crypto/perform_handshake.ts";
import type { CryptoProvider } from "../crypto/primitives/types.ts";
import type { RecordOptions } from "../crypto/record.ts";
import { cryptoSettings } from "../crypto/settings.ts";

/**
 * Client options from the shared config's `crypto` section.
 *
 * @param crypto The `crypto` section (its preferences become the offer).
 * @param maxFrameBytes Largest envelope accepted.
 * @param provider Primitive implementation (see `detectProvider`).
 * @param verify Identity check, see {@link ClientSecureOptions.verify}.
 * @returns Options for `performClientHandshake`.
 *
 * @example
 * ```ts ignore
 * import { clientFrameLimit, secureOptionsFromConfig } from "./secure.ts";
 * import { performClientHandshake } from "../crypto/perform_handshake.ts";
 * import { connectWebSocket } from "../transport/websocket_client.ts";
 * const options = secureOptionsFromConfig(config.crypto, config.server.limits.maxFrameBytes, provider, verify);
 * const raw = await connectWebSocket(url, { maxFrameBytes: clientFrameLimit(options) });
 * const { duplex, result } = await performClientHandshake(raw, options);
 * ```
 */
export function secureOptionsFromConfig(
  crypto: CryptoConfig,
  maxFrameBytes: number,
  provider: CryptoProvider,
  verify: ClientSecureOptions["verify"],
): ClientSecureOptions {
  const settings = cryptoSettings(crypto);
  return {
    provider,
    offer: settings.preferences,
    group: settings.group,
    records: settings.records,
    handshakeTimeoutMs: settings.handshakeTimeoutMs,
    maxFrameBytes,
    verify,
  };
}

/**
 * The largest outer frame the client must accept for its settings (PROTOCOL.md §9.2): what to give the transport
 * as its frame limit, over TCP and WebSocket alike.
 *
 * @param options The envelope limit and record options.
 * @returns The outer frame limit.
 */
export function clientFrameLimit(options: { maxFrameBytes: number; records: RecordOptions }): number {
  return maxOuterPayload(options.maxFrameBytes, options.records.padding);
}

// The interactive mode's connection: TCP (or TLS) through the SDK, the server's key pinned on first use and checked
// after, the remembered device resumed, and reconnecting after a drop, as a client left open all day must.

import { connect, detectProvider, type MimiConnection, secureOptionsFromConfig } from "../../core/client/mod.ts";
import type { MimiConfig } from "../../core/config/schema.ts";
import { FileDeviceKeyStore } from "../device_keys.ts";
import { FileOutboxStore } from "../outbox_store.ts";
import { expandHome, KnownServers } from "../known_servers.ts";
import { pinServerKey } from "../pinning.ts";
import { connectTcp } from "../tcp.ts";

/**
 * The `host:port` a config names, as pins and device keys are filed under.
 *
 * @param config The resolved configuration.
 * @returns The address, IPv6 hosts in brackets.
 */
export function serverAddress(config: MimiConfig): string {
  const { host, tcpPort } = config.client;
  return host.includes(":") ? `[${host}]:${tcpPort}` : `${host}:${tcpPort}`;
}

/**
 * Connects to the configured server and keeps the connection up.
 *
 * @param config The resolved configuration (`client` and `crypto`).
 * @param say Where a first connection's pinning notice goes (before the screen is drawn).
 * @param onError Where failures that belong to no call go.
 * @returns The connection, connecting; a changed server key ends it as `closed` with a `HandshakeError`
 *   `key_changed` whose message says how to forget the old key.
 */
export async function openConnection(
  config: MimiConfig,
  say: (line: string) => void,
  onError: (error: unknown) => void,
): Promise<MimiConnection> {
  const server = serverAddress(config);
  const known = await KnownServers.load(expandHome(config.client.knownServersFile));
  const provider = await detectProvider();
  const secure = secureOptionsFromConfig(
    config.crypto,
    config.server.limits.maxFrameBytes,
    provider,
    async (result) => {
      if (await pinServerKey(known, server, result.fingerprint)) {
        say(
          `First connection to ${server}; its key ${result.fingerprint} is now pinned in ${known.path}.\n` +
            "Compare it with the fingerprint the server printed when it started.",
        );
      }
    },
  );
  const caCerts = config.client.caFile ? [await Deno.readTextFile(config.client.caFile)] : undefined;
  const tls = config.client.tls ? { caCerts } : undefined;
  return connect({
    open: (_signal, limits) => connectTcp(config.client.host, config.client.tcpPort, { ...limits, tls }),
    secure,
    server,
    deviceKeys: new FileDeviceKeyStore(expandHome(config.client.deviceKeysFile)),
    // What the user sent that the server had not answered when the client quit goes out at the next login.
    outboxStore: new FileOutboxStore(expandHome(config.client.outboxFile)),
    onError,
  });
}

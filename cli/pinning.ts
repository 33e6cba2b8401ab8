// Trust on first use for the terminal client: the first key a server proves it holds is pinned; a different key later
// is refused, with the way to forget the old one when the change was on purpose.

import { HandshakeError } from "../core/client/mod.ts";
import type { KnownServers } from "./known_servers.ts";

/**
 * Checks the key a server proved it holds against the pin for its address, pinning it on first contact.
 *
 * @param known The pins (saved when a new one is added).
 * @param server The server's `host:port`, as pins are filed under.
 * @param fingerprint The fingerprint of the key the handshake proved.
 * @returns True when this call pinned the key (first contact), false when it matched the pin.
 * @throws {HandshakeError} `key_changed` when another key is pinned; its message names both keys, the file, and the
 *   command that forgets the pin.
 *
 * @example
 * ```ts ignore
 * import { pinServerKey } from "./pinning.ts";
 * const pinnedNow = await pinServerKey(known, "127.0.0.1:8111", result.fingerprint);
 * if (pinnedNow) console.error("first connection: compare the fingerprint with the server's");
 * ```
 */
export async function pinServerKey(known: KnownServers, server: string, fingerprint: string): Promise<boolean> {
  const pinned = known.get(server);
  if (pinned === undefined) {
    await known.pin(server, fingerprint);
    return true;
  }
  if (pinned !== fingerprint) {
    throw new HandshakeError(
      "key_changed",
      `The server at ${server} presented key ${fingerprint}, but ${pinned} is pinned in ${known.path}. ` +
        `Someone may be intercepting the connection. If the server's key was changed on purpose, run: ` +
        `deno task client -- forget ${server}`,
    );
  }
  return false;
}

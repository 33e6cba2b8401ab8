// The login proofs that bind an OPAQUE session key to one secure channel (PROTOCOL.md §10.3).

import { concatBytes, fromBase64Url, utf8 } from "../bytes/mod.ts";
import { nobleHash } from "./primitives/_hash.ts";

const LABELS = { client: utf8("mimi/1 login client"), server: utf8("mimi/1 login server") } as const;

/**
 * `HMAC-SHA256(K, "mimi/1 login <role>" || exporter)`, where K is the OPAQUE session key. A login relayed from
 * another connection fails because that connection's exporter differs.
 *
 * @param sessionKey The OPAQUE session key as `@serenity-kit/opaque` returns it (base64url).
 * @param exporter The secure channel's exporter secret (PROTOCOL.md §7.4).
 * @param role Whose proof: the client's (sent with login_finish) or the server's (sent back).
 * @returns The 32-byte proof.
 *
 * @example
 * ```ts
 * import { loginProof } from "./login_binding.ts";
 * loginProof("AAAA", new Uint8Array(32), "client").length; // 32
 * ```
 */
export function loginProof(sessionKey: string, exporter: Uint8Array, role: "client" | "server"): Uint8Array {
  return nobleHash("sha256").hmac(fromBase64Url(sessionKey), concatBytes(LABELS[role], exporter));
}

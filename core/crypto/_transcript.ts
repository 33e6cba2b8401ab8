// Transcript rules shared by both roles: what the server signs and what the client's Finished MACs (PROTOCOL.md §7.3-7.4).

import { concatBytes, utf8 } from "../bytes/mod.ts";
import type { Hash } from "./primitives/types.ts";

/** Domain separation for the server's signature: nothing else Mimi signs can start this way. */
const SIGNATURE_CONTEXT = utf8("mimi/1 server signature\0");

/**
 * The bytes the server signs: the context string and `H(ClientHello || ServerHelloBody)`.
 *
 * @param hash The negotiated hash.
 * @param clientHello The ClientHello frame payload, as sent.
 * @param signedBody The ServerHello's signed body, as sent.
 */
export function signatureInput(hash: Hash, clientHello: Uint8Array, signedBody: Uint8Array): Uint8Array {
  return concatBytes(SIGNATURE_CONTEXT, hash.digest(concatBytes(clientHello, signedBody)));
}

/**
 * `H(ClientHello || ServerHello)`, whole frame payloads: the context of every derived secret.
 *
 * @param hash The negotiated hash.
 * @param clientHello The ClientHello frame payload.
 * @param serverHello The ServerHello frame payload.
 */
export function transcriptHash(hash: Hash, clientHello: Uint8Array, serverHello: Uint8Array): Uint8Array {
  return hash.digest(concatBytes(clientHello, serverHello));
}

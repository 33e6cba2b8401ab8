// Public face of the client SDK.

export * from "./client.ts";
export * from "./accounts.ts";
export * from "./secure.ts";
export * from "./contacts.ts";
export * from "./events.ts";
export * from "./profile.ts";
export * from "./emitter.ts";
export * from "./backoff.ts";
export * from "./reconnect.ts";
export * from "./state.ts";
export * from "./reducers.ts";
export * from "./outbox.ts";
export * from "./device_key.ts";
export * from "./device_key_noble.ts";
export * from "./device_key_memory.ts";
export * from "./device_key_webcrypto.ts";
export * from "./device_key_indexeddb.ts";
export * from "./resume_proof.ts";
export { type Duplex, TransportError, type TransportErrorKind } from "../transport/duplex.ts";
export { connectWebSocket, type WebSocketDuplexOptions } from "../transport/websocket_client.ts";
export { type ClientSecureOptions, type ClientSession, performClientHandshake } from "../crypto/perform_handshake.ts";
export type { HandshakeResult } from "../crypto/handshake_client.ts";
export type { SecureDuplex } from "../crypto/secure_duplex.ts";

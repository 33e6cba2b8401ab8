// Public face of the client SDK.

export * from "./client.ts";
export * from "./accounts.ts";
export * from "./secure.ts";
export * from "./contacts.ts";
export * from "./events.ts";
export * from "./profile.ts";
export { type Duplex, TransportError, type TransportErrorKind } from "../transport/duplex.ts";
export { connectWebSocket, type WebSocketDuplexOptions } from "../transport/websocket_client.ts";
export { type ClientSecureOptions, type ClientSession, performClientHandshake } from "../crypto/perform_handshake.ts";
export type { HandshakeResult } from "../crypto/handshake_client.ts";
export type { SecureDuplex } from "../crypto/secure_duplex.ts";

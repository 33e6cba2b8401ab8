// Public face of the client SDK.

export * from "./client.ts";
export * from "./transport.ts";
export * from "./websocket.ts";
export * from "./accounts.ts";
export * from "./secure.ts";
export * from "./contacts.ts";
export * from "./events.ts";
export * from "./profile.ts";

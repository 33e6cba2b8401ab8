// Public face of the client SDK.

export * from "./client.ts";
export * from "./transport.ts";
export * from "./websocket.ts";
export * from "./accounts.ts";
export * from "./secure.ts";

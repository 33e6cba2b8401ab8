// Public face of Mimi's configuration: schema and defaults, resolution from file/env/flags, and generated docs.

export * from "./schema.ts";
export * from "./resolve.ts";
export * from "./docs.ts";

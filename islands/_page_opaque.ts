// The page's OPAQUE client: a Web Worker (named on the page's script tag) runs the steps and their Argon2id.

import type { OpaqueClient } from "../core/client/mod.ts";
import { opaqueOverPort } from "./_opaque_port.ts";

let client: OpaqueClient | undefined;

/**
 * Starts the OPAQUE worker on first call (it fetches and compiles OPAQUE's WebAssembly at once, while the user is
 * still typing) and returns the client that talks to it.
 *
 * @returns The client, or `undefined` where the page names no worker (no build) or the browser has no workers: the
 *   SDK then runs OPAQUE on the page's thread.
 */
export function pageOpaque(): OpaqueClient | undefined {
  if (client) return client;
  const url = document.querySelector<HTMLScriptElement>("script[data-worker]")?.dataset.worker;
  if (!url || typeof Worker === "undefined") return undefined;
  client = opaqueOverPort(new Worker(url, { name: "opaque" }));
  return client;
}

// The page's OPAQUE client: a Web Worker (named on the page's script tag) runs the steps and their Argon2id.

import type { OpaqueClient } from "../core/client/mod.ts";
import { opaqueOverPort, OpaqueWorkerError } from "./_opaque_port.ts";

let client: OpaqueClient | undefined;

/**
 * Starts the OPAQUE worker on first call (it fetches and compiles OPAQUE's WebAssembly at once, while the user is
 * still typing) and returns the client that talks to it.
 *
 * @returns The client. Where the page names no worker (no build) or the browser has no workers, every step rejects
 *   with {@link OpaqueWorkerError} saying so: the page never runs Argon2id on its own thread.
 */
export function pageOpaque(): OpaqueClient {
  if (client) return client;
  const url = document.querySelector<HTMLScriptElement>("script[data-worker]")?.dataset.worker;
  if (url && typeof Worker !== "undefined") {
    client = opaqueOverPort(new Worker(url, { name: "opaque" }));
  } else {
    const refuse = () =>
      Promise.reject(
        new OpaqueWorkerError(
          url ? "This browser cannot run Web Workers, which logging in needs" : "The page names no login worker",
        ),
      );
    client = { startRegistration: refuse, finishRegistration: refuse, startLogin: refuse, finishLogin: refuse };
  }
  return client;
}

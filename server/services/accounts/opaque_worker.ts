// The OPAQUE worker: runs the server's OPAQUE steps (opaque_steps.ts) off the event loop; opaque_server.ts talks to it.

import type { OpaqueAnswer, OpaqueAsk } from "./opaque_server.ts";
import { OPAQUE_STEPS, opaqueReady } from "./opaque_steps.ts";

/** The worker's global scope, as far as this file uses it (the main type library describes a window). */
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<OpaqueAsk>) => void) | null;
  postMessage(message: OpaqueAnswer): void;
};

scope.onmessage = async ({ data: { id, step, argument } }) => {
  try {
    await opaqueReady;
  } catch (error) {
    // Not swallowed: answered, and the server's step rejects with it.
    return scope.postMessage({ id, ok: false, message: `OPAQUE did not load: ${String(error)}`, unavailable: true });
  }
  try {
    if (!Object.hasOwn(OPAQUE_STEPS, step)) throw new TypeError(`Unknown OPAQUE step: ${String(step)}`);
    const value = (OPAQUE_STEPS[step] as (argument: unknown) => unknown)(argument);
    scope.postMessage({ id, ok: true, value });
  } catch (error) {
    // Not swallowed: the library refused the input; the server's step rejects with its message.
    scope.postMessage({ id, ok: false, message: String(error), unavailable: false });
  }
};

// OPAQUE's client steps across a message port: the page asks, a Web Worker (the build's opaque_worker.js) answers.

import type { OpaqueClient, OpaquePackageClient } from "../core/client/mod.ts";

/** The end of a channel each side holds: a `Worker`, the worker's own global scope, or a `MessagePort`. */
export interface OpaquePort {
  postMessage(message: unknown): void;
  addEventListener(type: "message" | "error", listener: (event: Event) => void): void;
  /** A `MessagePort` delivers only once started; a worker needs no start. */
  start?(): void;
}

type Step = keyof OpaqueClient;

/** What the page sends: one step with its argument. */
interface Ask {
  id: number;
  step: Step;
  argument: unknown;
}

/** What the worker answers. */
type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

const STEPS: readonly Step[] = ["startRegistration", "finishRegistration", "startLogin", "finishLogin"];

/** A step the worker could not run: its WebAssembly did not load, or the OPAQUE step itself threw. */
export class OpaqueWorkerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OpaqueWorkerError";
  }
}

/**
 * The page's side: an {@link OpaqueClient} whose steps run wherever `port` leads (a Web Worker), so Argon2id never
 * blocks the page's thread.
 *
 * @param port The worker (or a `MessagePort` to one).
 * @returns The client; each step rejects with {@link OpaqueWorkerError} when the worker fails it or fails to start.
 */
export function opaqueOverPort(port: OpaquePort): OpaqueClient {
  let next = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  port.addEventListener("message", (event) => {
    const answer = (event as MessageEvent<Answer>).data;
    const waiter = pending.get(answer?.id);
    if (!waiter) return;
    pending.delete(answer.id);
    if (answer.ok) waiter.resolve(answer.value);
    else waiter.reject(new OpaqueWorkerError(answer.message));
  });
  // A worker whose script failed to load or threw at the top: every step waiting on it would wait forever.
  port.addEventListener("error", (event) => {
    const message = (event as ErrorEvent).message || "The OPAQUE worker failed to start";
    for (const waiter of pending.values()) waiter.reject(new OpaqueWorkerError(message));
    pending.clear();
  });
  port.start?.();
  const ask = (step: Step) => (argument: unknown) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      port.postMessage({ id, step, argument } satisfies Ask);
    });
  return {
    startRegistration: ask("startRegistration"),
    finishRegistration: ask("finishRegistration"),
    startLogin: ask("startLogin"),
    finishLogin: ask("finishLogin"),
  } as OpaqueClient;
}

/**
 * The worker's side: starts loading OPAQUE's WebAssembly at once (while the user is still typing), then answers each
 * step. A failed load is answered to every step that needed it, and tried again at the next step.
 *
 * @param port The worker's global scope (or a `MessagePort`).
 * @param load Loads the package and returns its `client`: in the worker, the WebAssembly compiled by streaming.
 * @param wrap Makes the asynchronous client from the package's (`opaqueClientOf`, passed in so the worker's bundle
 *   holds only what it runs).
 */
export function serveOpaque(
  port: OpaquePort,
  load: () => Promise<OpaquePackageClient>,
  wrap: (client: OpaquePackageClient) => OpaqueClient,
): void {
  let loaded: Promise<OpaqueClient> | undefined;
  const client = () => {
    loaded ??= load().then(wrap, (error) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  // Started now so the first step finds it compiled; a failure here is answered to that step, which tries again.
  client().catch(() => {});
  port.addEventListener("message", async (event) => {
    const { id, step, argument } = (event as MessageEvent<Ask>).data;
    try {
      if (!STEPS.includes(step)) throw new TypeError(`Unknown OPAQUE step: ${String(step)}`);
      const opaque = await client();
      const value = await (opaque[step] as (argument: unknown) => Promise<unknown>)(argument);
      port.postMessage({ id, ok: true, value } satisfies Answer);
    } catch (error) {
      // Not swallowed: answered to the page, where the step rejects with it.
      port.postMessage({ id, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  });
  port.start?.();
}

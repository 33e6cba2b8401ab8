// The server's OPAQUE steps behind one interface: in a worker (the server's default), or in the calling thread.
//
// Why a worker: a login's server steps cost ≈ 1.5 ms of CPU in WebAssembly (startLogin 1.4 ms, finishLogin 0.13 ms,
// bench/README.md). On the event loop, a hundred logins at once held every chat message behind 150 ms of password
// work; in the worker they run beside it (issue 12: "password work never blocks the event loop").

// Types only: the package (and its WebAssembly) loads where the steps run, not where this module is imported.
import type { OPAQUE_STEPS, OpaqueStep } from "./opaque_steps.ts";

type Steps = typeof OPAQUE_STEPS;

/** The OPAQUE steps the accounts service runs, each asynchronous wherever it runs. */
export type OpaqueServer =
  & { [K in OpaqueStep]: (argument: Parameters<Steps[K]>[0]) => Promise<ReturnType<Steps[K]>> }
  & {
    /** Stops the worker, if any; later steps reject with {@link OpaqueUnavailableError}. */
    close(): void;
  };

/** The library refused the step's input: a malformed message or record from the client, or KE3 that does not verify. */
export class OpaqueStepError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OpaqueStepError";
  }
}

/** The steps cannot run at all: the worker failed to start or died, its WebAssembly did not load, or it was closed. */
export class OpaqueUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OpaqueUnavailableError";
  }
}

/** A step asked of the worker. */
export interface OpaqueAsk {
  id: number;
  step: OpaqueStep;
  argument: unknown;
}

/** The worker's answer: the step's value, or why it failed (`unavailable`: the library did not load). */
export type OpaqueAnswer =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string; unavailable: boolean };

/** Every step, once: the type makes the list exact (no step missing, none extra). */
const STEPS: Record<OpaqueStep, true> = {
  createSetup: true,
  checkSetup: true,
  registrationResponse: true,
  startLogin: true,
  finishLogin: true,
  checkRecord: true,
};
const STEP_NAMES = Object.keys(STEPS) as OpaqueStep[];

/**
 * The steps in the calling thread: for tools and tests that need no worker. The library is loaded at the first
 * step, so that a server using the worker never compiles the WebAssembly in its own thread.
 *
 * @returns The steps; `close()` does nothing.
 */
export function opaqueInThread(): OpaqueServer {
  let loaded: Promise<typeof import("./opaque_steps.ts")> | undefined;
  const run = async (step: OpaqueStep, argument: unknown) => {
    loaded ??= import("./opaque_steps.ts");
    const module = await loaded;
    await module.opaqueReady;
    try {
      return (module.OPAQUE_STEPS[step] as (argument: unknown) => unknown)(argument);
    } catch (error) {
      throw new OpaqueStepError(String(error), { cause: error });
    }
  };
  return fromRunner(run, () => {});
}

/**
 * The steps in one worker thread (opaque_worker.ts), started at the first step. A worker that dies fails the steps
 * it was running with {@link OpaqueUnavailableError}, and the next step starts a new one.
 *
 * One worker, not a pool: on the two cores Mimi is sized for, a second would take the event loop's core.
 *
 * @returns The steps; `close()` terminates the worker (the server calls it when it stops).
 */
export function opaqueInWorker(): OpaqueServer {
  let worker: Worker | undefined;
  let closed = false;
  let next = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  const fail = (failed: Worker, error: Error) => {
    if (worker !== failed) return;
    worker = undefined;
    failed.terminate();
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const started = new Worker(new URL("./opaque_worker.ts", import.meta.url), { type: "module", name: "opaque" });
    started.onmessage = (event: MessageEvent<OpaqueAnswer>) => {
      const answer = event.data;
      const waiter = pending.get(answer.id);
      if (!waiter) return;
      pending.delete(answer.id);
      if (answer.ok) waiter.resolve(answer.value);
      else if (answer.unavailable) waiter.reject(new OpaqueUnavailableError(answer.message));
      else waiter.reject(new OpaqueStepError(answer.message));
    };
    started.onerror = (event) => {
      // Handled here: unhandled, a worker's error would end the server's process.
      event.preventDefault();
      fail(started, new OpaqueUnavailableError(`The OPAQUE worker failed: ${event.message}`));
    };
    started.onmessageerror = () => {
      fail(started, new OpaqueUnavailableError("The OPAQUE worker sent an unreadable message"));
    };
    return started;
  };

  const run = (step: OpaqueStep, argument: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      if (closed) return reject(new OpaqueUnavailableError("The OPAQUE worker was closed"));
      worker ??= start();
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, step, argument } satisfies OpaqueAsk);
    });

  return fromRunner(run, () => {
    closed = true;
    if (worker) fail(worker, new OpaqueUnavailableError("The OPAQUE worker was closed"));
  });
}

function fromRunner(run: (step: OpaqueStep, argument: unknown) => Promise<unknown>, close: () => void): OpaqueServer {
  const steps = Object.fromEntries(STEP_NAMES.map((step) => [step, (argument: unknown) => run(step, argument)]));
  return { ...steps, close } as OpaqueServer;
}

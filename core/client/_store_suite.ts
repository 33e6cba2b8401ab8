// What the shared store suites (device keys, outbox) are made of: a case's shape, and assertions free of any test
// runner, so the suites run under Deno.test and in a browser page alike.

/**
 * Opens a store over the storage called `name`: each case uses its own name, and opening the same name again must
 * show what was saved there before (a page reload, a second run of the terminal).
 */
export type OpenStore<S> = (name: string) => Promise<S>;

/** One behaviour every store of a kind must have. */
export interface StoreCase<S> {
  name: string;
  run(open: OpenStore<S>): Promise<void>;
}

/**
 * Throws unless `condition` holds.
 *
 * @param condition What must hold.
 * @param message What the failure says.
 */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/**
 * Throws unless `promise` rejects with an error of the given `name`.
 *
 * @param promise What must fail.
 * @param name The error's class name (`"TypeError"`), compared by name since the class may come from another bundle.
 * @param message What the failure says.
 */
export async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  const error = await promise.then(() => undefined, (error: unknown) => error ?? new Error("undefined"));
  check(error instanceof Error && error.name === name, `${message}: expected a ${name}, got ${error}`);
}

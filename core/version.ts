// Mimi's version, in one place: `mimi --version`, `mimi client --version` and anything else that names it.

/**
 * The version of this Mimi release (semantic versioning).
 *
 * @example
 * ```ts
 * import { VERSION } from "./version.ts";
 * console.log(`mimi ${VERSION}`); // "mimi 0.4.0"
 * ```
 */
export const VERSION = "0.4.0";

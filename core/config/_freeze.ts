// Recursively freezes plain objects and arrays so shared configuration cannot be mutated.

/**
 * Freezes `value` and every object or array reachable from it.
 *
 * @param value The value to freeze in place.
 * @returns The same value, now deeply frozen.
 *
 * @example
 * ```ts
 * import { deepFreeze } from "./_freeze.ts";
 * const o = deepFreeze({ a: { b: 1 } });
 * Object.isFrozen(o.a); // true
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

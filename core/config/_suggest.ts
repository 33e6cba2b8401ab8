// Picks the known name closest to a misspelt one, for "did you mean" hints.

/**
 * Returns the candidate within a small edit distance of `name`, if any.
 *
 * @param name What the user wrote.
 * @param candidates The names that exist.
 * @returns The closest candidate, or `undefined` if none is close.
 *
 * @example
 * ```ts
 * import { closest } from "./_suggest.ts";
 * closest("MIMI_SERVR_TCP_PORT", ["MIMI_SERVER_TCP_PORT"]); // "MIMI_SERVER_TCP_PORT"
 * ```
 */
export function closest(
  name: string,
  candidates: Iterable<string>,
): string | undefined {
  // Roughly one typo per three characters; more and the hint misleads.
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    // The name itself exists but is not valid here (e.g. a section used as a flag).
    if (candidate === name) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance over UTF-16 code units. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

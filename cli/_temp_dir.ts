// For the terminal client's file tests: a temporary directory that lives as long as one test.

/**
 * Runs `fn` with a new temporary directory, and removes the directory and all in it afterwards.
 *
 * @param prefix The start of the directory's name, to tell whose leftovers they are.
 * @param fn The test's body.
 */
export async function withTempDir(prefix: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

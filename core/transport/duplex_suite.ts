// One test suite for the Duplex contract, run by every adapter (as Hono's router suite is run by every router).

import type { Duplex } from "./duplex.ts";

/** A duplex under test and the peer it talks to. */
export interface DuplexUnderTest {
  /** The adapter under test. */
  near: Duplex;
  /** Its peer: anything that reads what `near` writes and writes what `near` reads. */
  far: Duplex;
  /** Releases what the pair holds besides the two duplexes (a listener, a server); called after both are closed. */
  dispose?(): Promise<void>;
}

/** Options of {@link runDuplexSuite}. */
export interface DuplexSuiteOptions {
  /** Prefix of every test name, e.g. `connectTcp()`. */
  name: string;
  /** Opens a fresh pair for one test. */
  pair(): Promise<DuplexUnderTest>;
  /** Registers one test: `Deno.test` in Deno, or any runner's equivalent (the suite itself needs no runtime). */
  test(name: string, fn: () => Promise<void>): void;
  /** Tests this adapter cannot run, each list with the reason. */
  skip?: { reason: string; tests: string[] }[];
}

/** Names of the suite's tests, for `skip` lists. */
export const DUPLEX_SUITE_TESTS = [
  "payloads arrive whole and in order, both ways",
  "read() resolves null after the peer closes, and keeps doing so",
  "payloads written before close() reach the peer",
  "close() makes a pending read() resolve null",
  "close() is idempotent and write() after it is ignored",
  "reads made at once are answered in call order",
] as const;

type TestName = typeof DUPLEX_SUITE_TESTS[number];

/**
 * Registers the Duplex contract's tests for one adapter.
 *
 * @param options The adapter's name, how to open a pair, the test runner and what to skip.
 *
 * @example
 * ```ts ignore
 * import { runDuplexSuite } from "./duplex_suite.ts";
 * import { duplexPair } from "./pair.ts";
 * runDuplexSuite({
 *   name: "duplexPair()",
 *   pair: () => { const [near, far] = duplexPair(); return Promise.resolve({ near, far }); },
 *   test: Deno.test,
 * });
 * ```
 */
export function runDuplexSuite(options: DuplexSuiteOptions): void {
  const skipped = new Set(options.skip?.flatMap((entry) => entry.tests) ?? []);
  const define = (name: TestName, fn: (pair: DuplexUnderTest) => Promise<void>) => {
    if (skipped.has(name)) return;
    options.test(`${options.name}: ${name}`, async () => {
      const pair = await options.pair();
      try {
        await fn(pair);
      } finally {
        await Promise.all([pair.near.close(), pair.far.close()]);
        await pair.dispose?.();
      }
    });
  };

  define("payloads arrive whole and in order, both ways", async ({ near, far }) => {
    const payloads = [new Uint8Array(0), Uint8Array.of(1), pattern(1000, 3), pattern(64 * 1024, 7)];
    for (const payload of payloads) near.write(payload);
    for (const payload of payloads) sameBytes(await far.read(), payload, "near to far");
    for (const payload of payloads) far.write(payload);
    for (const payload of payloads) sameBytes(await near.read(), payload, "far to near");
  });

  define("read() resolves null after the peer closes, and keeps doing so", async ({ near, far }) => {
    far.write(Uint8Array.of(9));
    await far.close();
    sameBytes(await near.read(), Uint8Array.of(9), "what the peer wrote before closing");
    check(await near.read() === null, "read() after the peer closed resolves null");
    check(await near.read() === null, "a second read() resolves null too");
  });

  define("payloads written before close() reach the peer", async ({ near, far }) => {
    const payloads = [pattern(10, 1), pattern(20_000, 2), pattern(30, 3)];
    for (const payload of payloads) near.write(payload);
    await near.close();
    for (const payload of payloads) sameBytes(await far.read(), payload, "written before close()");
    check(await far.read() === null, "the peer reads the end after them");
  });

  define("close() makes a pending read() resolve null", async ({ near }) => {
    const pending = near.read();
    await near.close();
    check(await pending === null, "the pending read() resolves null");
    check(await near.read() === null, "a read() after close() resolves null");
  });

  define("close() is idempotent and write() after it is ignored", async ({ near, far }) => {
    await near.close();
    await near.close();
    near.write(Uint8Array.of(1)); // must neither throw nor arrive
    check(await far.read() === null, "the peer reads the end, not the late write");
  });

  define("reads made at once are answered in call order", async ({ near, far }) => {
    const reads = [near.read(), near.read(), near.read()];
    for (const n of [1, 2, 3]) far.write(Uint8Array.of(n));
    const got = await Promise.all(reads);
    check(got.map((p) => p?.[0]).join() === "1,2,3", `reads answered in order, got ${got.map((p) => p?.[0])}`);
  });
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`Duplex contract broken: ${message}`);
}

function sameBytes(actual: Uint8Array | null, expected: Uint8Array, what: string): void {
  check(actual !== null, `${what}: got the end instead of ${expected.length} bytes`);
  check(
    actual!.length === expected.length && actual!.every((byte, i) => byte === expected[i]),
    `${what}: got ${actual!.length} bytes that differ from the ${expected.length} sent`,
  );
}

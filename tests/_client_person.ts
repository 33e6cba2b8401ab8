// Someone who runs `deno task client -- …` in a home of their own against a test server, and the checks the terminal
// client's tests make of each run: its exit code without a stack trace, and the line that reports a failure.

import assert from "node:assert/strict";
import type { TestServer } from "./_harness.ts";
import { runTask, STACK_TRACE, taskEnv, type TaskResult } from "./_task.ts";

/** Someone who runs the client in their own home directory. */
export interface Person {
  username: string;
  home: string;
  run(args: string[], input?: string): Promise<TaskResult>;
}

/**
 * A person who runs the client against `server`, with `home` as HOME.
 *
 * @param server The test server (its TCP port is the client's).
 * @param username Who they are, for the test's messages.
 * @param home Their home directory.
 */
export function person(server: TestServer, username: string, home: string): Person {
  const env = taskEnv(home, { MIMI_CLIENT_TCP_PORT: String(server.tcpPort) });
  return { username, home, run: (args, input) => runTask("client", args, { env, input }) };
}

/** Asserts the exit code, showing stderr when it differs, and that no stack trace was printed. */
export function exits(result: TaskResult, code: number, what: string): void {
  assert.equal(result.code, code, `${what}: exit ${result.code}\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, STACK_TRACE, what);
}

/** The last line on stderr: where a command's failure is. */
export function lastError(result: TaskResult): string {
  return result.stderr.trim().split("\n").at(-1) ?? "";
}

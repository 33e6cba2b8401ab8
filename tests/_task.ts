// Runs deno tasks as a user does (`deno task client -- …` in the repository), in a fresh home with a clean environment.

/** The repository root, where deno.json and its tasks are. */
export const ROOT = new URL("../", import.meta.url).pathname;

/**
 * Deno's cache. A fresh HOME would otherwise make each run download every npm package again: what a new machine
 * does once, and what a test should not depend on.
 */
const DENO_DIR = Deno.env.get("DENO_DIR") ?? await cacheDir();

async function cacheDir(): Promise<string> {
  const { stdout } = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).output();
  return JSON.parse(new TextDecoder().decode(stdout)).denoDir;
}

/**
 * The whole environment of a task run: nothing leaks in from the test's own (no MIMI_* of the developer's, no
 * `~/.mimi` of theirs), so `home` is what a first-time user has.
 *
 * @param home The HOME directory, e.g. a fresh temp dir without `.mimi`.
 * @param extra More variables, e.g. `MIMI_CLIENT_TCP_PORT`.
 * @returns The variables.
 */
export function taskEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    DENO_DIR,
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    ...extra,
  };
}

/** What a finished task printed. */
export interface TaskResult {
  code: number;
  stdout: string;
  /** Standard error without the `Task client deno run …` line that `deno task` prints first. */
  stderr: string;
}

/**
 * Runs `deno task <task> -- …args` in the repository.
 *
 * @param task The task name, e.g. `client`.
 * @param args What the user types after `--`.
 * @param options `env`: the whole environment (see {@linkcode taskEnv}); `input`: written to stdin, which is then
 *   closed (a pipe, not a terminal).
 * @returns Exit code and output.
 */
export async function runTask(
  task: string,
  args: string[],
  options: { env: Record<string, string>; input?: string },
): Promise<TaskResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", task, "--", ...args],
    cwd: ROOT,
    clearEnv: true,
    env: options.env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  if (options.input !== undefined) await writer.write(new TextEncoder().encode(options.input));
  await writer.close();
  const output = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const stderr = decode(output.stderr).split("\n").filter((line) => !/^Task \S+ /.test(line)).join("\n");
  return { code: output.code, stdout: decode(output.stdout), stderr };
}

/**
 * Quotes `word` for a POSIX shell.
 *
 * @param word Any text.
 * @returns The text in single quotes, so the shell passes it on unchanged.
 */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Matches what an uncaught error prints: Deno's "error: Uncaught" or a stack frame line. */
export const STACK_TRACE = /Uncaught|^\s+at \S/m;

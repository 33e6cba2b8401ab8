// Reads passwords: typed on a terminal without echo, or one line of piped standard input for scripts.

import { PasswordEditor } from "./password_editor.ts";

const encoder = new TextEncoder();

/** Why no password came back: the user cancelled, input ended, or what came is unusable from a pipe. */
export type PromptFailure = "cancelled" | "ended" | "empty" | "not_utf8";

/** No password was read. `exitCode` is what the process should exit with: 130 after Ctrl-C, as a shell reports SIGINT. */
export class PromptError extends Error {
  override readonly name = "PromptError";
  /** What happened. */
  readonly reason: PromptFailure;
  /** 130 for `cancelled`, 2 (no usable input) otherwise. */
  readonly exitCode: number;

  /**
   * @param reason What happened.
   * @param message One line for the user.
   */
  constructor(reason: PromptFailure, message: string) {
    super(message);
    this.reason = reason;
    this.exitCode = reason === "cancelled" ? 130 : 2;
  }
}

/**
 * Asks for an existing password.
 *
 * On a terminal the prompt goes to stderr, nothing typed is echoed, and an empty line is refused and asked again.
 * From a pipe the password is the next line of standard input, read once (see {@linkcode readNewPassword} for why
 * that suits scripts).
 *
 * @param prompt Shown on a terminal, e.g. `"Password: "`.
 * @returns The password.
 * @throws {PromptError} On Ctrl-C (`cancelled`), on Ctrl-D or the end of input with nothing typed (`ended`), and from
 *   a pipe on an empty line (`empty`) or bytes that are not UTF-8 (`not_utf8`).
 *
 * @example
 * ```ts ignore
 * import { readPassword } from "./prompt.ts";
 * const password = await readPassword("Password: ");
 * ```
 */
export async function readPassword(prompt: string): Promise<string> {
  if (!Deno.stdin.isTerminal()) return await readPipedLine();
  while (true) {
    const password = await readTyped(prompt);
    if (password !== "") return password;
    await say("The password is empty; type one (Ctrl-C cancels).");
  }
}

/**
 * Asks for a new password: on a terminal twice, asking again until both agree and are not empty, since a typing
 * mistake nobody saw would lock the user out. From a pipe it is one line, read once: a script knows what it sends,
 * and one line per password keeps `printf 'old\nnew\n' | mimi client passwd alice` simple.
 *
 * @param prompt The first prompt, e.g. `"New password: "`.
 * @param again The second, e.g. `"Repeat the new password: "`.
 * @returns The password.
 * @throws {PromptError} As {@linkcode readPassword}.
 *
 * @example
 * ```ts ignore
 * import { readNewPassword } from "./prompt.ts";
 * const password = await readNewPassword("Password: ", "Repeat the password: ");
 * ```
 */
export async function readNewPassword(prompt: string, again: string): Promise<string> {
  if (!Deno.stdin.isTerminal()) return await readPipedLine();
  while (true) {
    const first = await readPassword(prompt);
    if (await readTyped(again) === first) return first;
    await say("The passwords do not match; type the new one again (Ctrl-C cancels).");
  }
}

/** One password line from a terminal in raw mode, which is always restored before this returns or throws. */
async function readTyped(prompt: string): Promise<string> {
  const editor = new PasswordEditor();
  // Raw mode first, so that keys typed as soon as the prompt shows are neither echoed nor line-buffered.
  Deno.stdin.setRaw(true);
  // SIGTERM would leave the user's terminal raw (no echo, no line editing); restore it, then exit as SIGTERM would.
  const onTerminate = () => {
    Deno.stdin.setRaw(false);
    Deno.exit(143);
  };
  const signals = Deno.build.os !== "windows";
  if (signals) Deno.addSignalListener("SIGTERM", onTerminate);
  try {
    await writeAll(prompt);
    const byte = new Uint8Array(1);
    while (true) {
      // One byte at a time: a pasted "password⏎" leaves what follows it for the next prompt.
      const n = await Deno.stdin.read(byte);
      const result = n === null ? "end" : editor.push(byte[0]);
      if (result === "more") continue;
      if (result === "cancel") throw new PromptError("cancelled", "Cancelled");
      if (result === "end") throw new PromptError("ended", "No password given: input ended");
      if (!editor.invalid) return editor.take();
      editor.take();
      await writeAll("\n");
      await say("The terminal sent bytes that are not UTF-8; set a UTF-8 locale, or type the password again.");
      await writeAll(prompt);
    }
  } finally {
    if (signals) Deno.removeSignalListener("SIGTERM", onTerminate);
    Deno.stdin.setRaw(false);
    // Enter was not echoed either; end the prompt's line so what follows starts on its own.
    await writeAll("\n");
  }
}

/** The next line of piped standard input, without its line break; read byte by byte so later lines stay unread. */
async function readPipedLine(): Promise<string> {
  const bytes: number[] = [];
  const byte = new Uint8Array(1);
  let ended = false;
  while (true) {
    const n = await Deno.stdin.read(byte);
    if (n === null) {
      ended = true;
      break;
    }
    if (byte[0] === 0x0a) break;
    bytes.push(byte[0]);
  }
  // A file saved on Windows ends its lines with CR LF.
  if (bytes.at(-1) === 0x0d) bytes.pop();
  if (bytes.length === 0) {
    throw ended
      ? new PromptError("ended", "No password given: standard input ended")
      : new PromptError("empty", "The password on standard input is empty");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new PromptError("not_utf8", "The password on standard input is not UTF-8 text");
  }
}

async function say(line: string): Promise<void> {
  await writeAll(line + "\n");
}

async function writeAll(text: string): Promise<void> {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += await Deno.stderr.write(bytes.subarray(done));
}

// Password prompts at a real terminal: `deno task client -- register|login|passwd` in a tmux pseudo-terminal against a
// real server, typed into key by key. Checks what the user sees (no echo, one-line messages, no stack trace), what the
// server gets (the password meant, multi-byte characters and Backspace included) and that the terminal is left sane.

import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "./_harness.ts";
import { ROOT, runTask, shellQuote, STACK_TRACE, taskEnv } from "./_task.ts";
import { TerminalSession, TMUX_MISSING } from "./_tmux.ts";

if (TMUX_MISSING) console.warn(`prompt_test.ts: skipping the terminal tests: ${TMUX_MISSING}`);

/** What the pane prints after the client exits: its exit code and whether the terminal was left in raw mode. */
const DONE = /\[exit (\d+), tty (raw|sane)\]/;

/** A client run in a terminal, and the home directory it runs in. */
interface Terminal {
  session: TerminalSession;
  /** Waits until the screen shows `pattern` at least `times` times. */
  waitFor(pattern: RegExp, times?: number): Promise<string>;
  /** Waits for the client to exit; returns its code and the final screen. */
  exit(): Promise<{ code: number; tty: string; screen: string }>;
}

/**
 * Runs `deno task client -- …args` in a fresh 80x24 terminal with a clean environment, then reports the exit code and
 * whether `stty` finds the terminal still raw (no `icanon` or no `echo`).
 */
async function inTerminal(
  home: string,
  server: TestServer | undefined,
  args: string[],
  use: (terminal: Terminal) => Promise<void>,
): Promise<void> {
  const env = taskEnv(home, server ? { MIMI_CLIENT_TCP_PORT: String(server.tcpPort) } : {});
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`).join(" ");
  const client = [Deno.execPath(), "task", "client", "--", ...args].map(shellQuote).join(" ");
  const command = `cd ${shellQuote(ROOT)} && env -i TERM="$TERM" ${assignments} ${client}; code=$?; ` +
    `if stty -a | grep -Eq '(^| )-(icanon|echo)( |$)'; then tty=raw; else tty=sane; fi; ` +
    `printf '\\n[exit %s, tty %s]\\n' "$code" "$tty"; exec sleep 100000`;
  const session = await TerminalSession.start(command);
  try {
    await use({
      session,
      waitFor: (pattern, times = 1) =>
        session.waitFor(
          (screen) => (screen.match(new RegExp(pattern.source, "gm")) ?? []).length >= times,
          `${pattern} ×${times}`,
        ),
      async exit() {
        const screen = await session.waitFor((text) => DONE.test(text), "the client to exit");
        const [, code, tty] = screen.match(DONE)!;
        return { code: Number(code), tty, screen };
      },
    });
  } finally {
    await session.close();
  }
}

/** A server and a fresh home for one test, both removed afterwards. */
async function withServer(fn: (server: TestServer, home: string) => Promise<void>): Promise<void> {
  const server = await startTestServer();
  const home = await Deno.makeTempDir({ prefix: "mimi_home_" });
  try {
    await fn(server, home);
  } finally {
    await server.close();
    await Deno.remove(home, { recursive: true });
  }
}

/** Logs in with `password` from a pipe, as a script would; returns the exit code. */
async function loginWorks(server: TestServer, home: string, username: string, password: string): Promise<boolean> {
  const env = taskEnv(home, { MIMI_CLIENT_TCP_PORT: String(server.tcpPort) });
  const result = await runTask("client", ["login", username], { env, input: `${password}\n` });
  return result.code === 0;
}

/** Lines that start a password prompt (not "Repeat the password:"). */
const FIRST_PROMPT = /^Password: /;
const REPEAT_PROMPT = /^Repeat the password: /;

const terminalTest = (name: string, fn: () => Promise<void>) => Deno.test({ name, ignore: !!TMUX_MISSING, fn });

terminalTest("register in a terminal asks for the password twice and never shows it", async () => {
  await withServer(async (server, home) => {
    const password = "Visible-If-Echoed-42";
    await inTerminal(home, server, ["register", "tina", "Tina"], async (terminal) => {
      await terminal.waitFor(FIRST_PROMPT);
      await terminal.session.type(password);
      await terminal.session.press("Enter");
      await terminal.waitFor(REPEAT_PROMPT);
      await terminal.session.type(password);
      await terminal.session.press("Enter");
      const { code, tty, screen } = await terminal.exit();
      assert.equal(code, 0, screen);
      assert.match(screen, /Registered tina \(Tina\)/);
      assert.equal(screen.includes(password), false, `the password is not on the screen:\n${screen}`);
      assert.doesNotMatch(screen, /Visible|\*\*\*/, "neither the password nor a mask of it");
      assert.equal(tty, "sane");
    });
    assert.equal(await loginWorks(server, home, "tina", password), true);
  });
});

terminalTest("register in a terminal asks again when the two passwords differ", async () => {
  await withServer(async (server, home) => {
    await inTerminal(home, server, ["register", "uma", "Uma"], async (terminal) => {
      await terminal.waitFor(FIRST_PROMPT);
      await terminal.session.type("first-try");
      await terminal.session.press("Enter");
      await terminal.waitFor(REPEAT_PROMPT);
      await terminal.session.type("first-tyr");
      await terminal.session.press("Enter");
      await terminal.waitFor(/The passwords do not match/);
      await terminal.waitFor(FIRST_PROMPT, 2);
      await terminal.session.type("second-try");
      await terminal.session.press("Enter");
      await terminal.waitFor(REPEAT_PROMPT, 2);
      await terminal.session.type("second-try");
      await terminal.session.press("Enter");
      const { code, screen } = await terminal.exit();
      assert.equal(code, 0, screen);
      assert.match(screen, /Registered uma/);
    });
    assert.equal(await loginWorks(server, home, "uma", "first-try"), false);
    assert.equal(await loginWorks(server, home, "uma", "second-try"), true);
  });
});

terminalTest("an empty password typed in a terminal is refused and asked for again", async () => {
  await withServer(async (server, home) => {
    await inTerminal(home, server, ["register", "vera", "Vera"], async (terminal) => {
      await terminal.waitFor(FIRST_PROMPT);
      await terminal.session.press("Enter");
      await terminal.waitFor(/The password is empty/);
      await terminal.waitFor(FIRST_PROMPT, 2);
      await terminal.session.type("not-empty");
      await terminal.session.press("Enter");
      await terminal.waitFor(REPEAT_PROMPT);
      await terminal.session.type("not-empty");
      await terminal.session.press("Enter");
      const { code, screen } = await terminal.exit();
      assert.equal(code, 0, screen);
      assert.match(screen, /Registered vera/);
    });
    assert.equal(await loginWorks(server, home, "vera", "not-empty"), true);
  });
});

terminalTest("Backspace after a multi-byte character typed in a terminal removes the whole character", async () => {
  await withServer(async (server, home) => {
    const env = taskEnv(home, { MIMI_CLIENT_TCP_PORT: String(server.tcpPort) });
    const registered = await runTask("client", ["register", "wang", "王"], { env, input: "密码\n" });
    assert.equal(registered.code, 0, registered.stderr);
    await inTerminal(home, server, ["login", "wang"], async (terminal) => {
      await terminal.waitFor(FIRST_PROMPT);
      await terminal.session.type("密码码");
      await terminal.session.press("BSpace");
      await terminal.session.press("Enter");
      const { code, tty, screen } = await terminal.exit();
      assert.equal(code, 0, screen);
      assert.match(screen, /Logged in as 王 \(wang\)/);
      assert.equal(screen.includes("密码"), false, "not echoed either");
      assert.equal(tty, "sane");
    });
  });
});

terminalTest("passwd in a terminal asks for the current password once and the new one twice", async () => {
  await withServer(async (server, home) => {
    const env = taskEnv(home, { MIMI_CLIENT_TCP_PORT: String(server.tcpPort) });
    const registered = await runTask("client", ["register", "xena", "Xena"], { env, input: "old-one\n" });
    assert.equal(registered.code, 0, registered.stderr);
    await inTerminal(home, server, ["passwd", "xena"], async (terminal) => {
      await terminal.waitFor(/^Current password: /);
      await terminal.session.type("old-one");
      await terminal.session.press("Enter");
      await terminal.waitFor(/^New password: /);
      await terminal.session.type("new-one");
      await terminal.session.press("Enter");
      await terminal.waitFor(/^Repeat the new password: /);
      await terminal.session.type("new-one");
      await terminal.session.press("Enter");
      const { code, screen } = await terminal.exit();
      assert.equal(code, 0, screen);
      assert.match(screen, /Password changed/);
      assert.equal((screen.match(/^Current password: /gm) ?? []).length, 1, "the current password is asked once");
    });
    assert.equal(await loginWorks(server, home, "xena", "new-one"), true);
  });
});

terminalTest("Ctrl-C at a password prompt exits 130 with one line and restores the terminal", async () => {
  const home = await Deno.makeTempDir({ prefix: "mimi_home_" });
  try {
    // The prompt comes before any connection, so no server is needed to cancel it.
    await inTerminal(home, undefined, ["login", "yuki"], async (terminal) => {
      await terminal.waitFor(FIRST_PROMPT);
      await terminal.session.type("half-typed");
      await terminal.session.press("C-c");
      const { code, tty, screen } = await terminal.exit();
      assert.equal(code, 130, screen);
      assert.match(screen, /^mimi client: Cancelled$/m);
      assert.doesNotMatch(screen, STACK_TRACE);
      assert.equal(screen.includes("half-typed"), false);
      assert.equal(tty, "sane", "raw mode was undone");
      const lines = screen.split("\n").filter((line) => line.trim() !== "");
      const prompt = lines.findIndex((line) => FIRST_PROMPT.test(line));
      assert.deepEqual(lines.slice(prompt + 1, -1), ["mimi client: Cancelled"], "one line after the prompt");
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

terminalTest("Ctrl-D at an empty password prompt exits 2 with one line and restores the terminal", async () => {
  const home = await Deno.makeTempDir({ prefix: "mimi_home_" });
  try {
    await inTerminal(home, undefined, ["register", "zoe", "Zoe"], async (terminal) => {
      await terminal.waitFor(FIRST_PROMPT);
      await terminal.session.press("C-d");
      const { code, tty, screen } = await terminal.exit();
      assert.equal(code, 2, screen);
      assert.match(screen, /^mimi client: No password given: input ended$/m);
      assert.doesNotMatch(screen, STACK_TRACE);
      assert.equal(tty, "sane");
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

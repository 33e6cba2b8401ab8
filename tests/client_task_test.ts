// The terminal client as users start it: `deno task client -- …` with the task's own permissions, in a fresh home
// (no ~/.mimi yet), against a real server. Passwords come from a pipe here; tests/prompt_test.ts types them at a
// terminal. The README's commands are read from README.md, so this test follows the README when it changes.

import assert from "node:assert/strict";
import { COMMANDS } from "../cli/usage.ts";
import { VERSION } from "../core/version.ts";
import { startTestServer, type TestServer } from "./_harness.ts";
import { ROOT, runTask, STACK_TRACE, taskEnv, type TaskResult } from "./_task.ts";

/** The README sections that describe the terminal client. */
const README_SECTIONS = ["Using it", "Accounts"];
const TASK_PREFIX = "deno task client --";

/**
 * The `deno task client -- …` lines of the README's ```sh blocks in `sections`, split into words as a shell would
 * (quotes removed, `#` comments dropped).
 */
function readmeCommands(readme: string, sections: string[]): string[][] {
  const commands: string[][] = [];
  for (const section of readme.split(/^## /m).slice(1)) {
    const title = section.slice(0, section.indexOf("\n")).trim();
    if (!sections.includes(title)) continue;
    for (const [, block] of section.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
      for (const line of block.split("\n")) {
        if (!line.trim().startsWith(TASK_PREFIX)) continue;
        commands.push(shellWords(line.trim().slice(TASK_PREFIX.length)));
      }
    }
  }
  return commands;
}

/** Splits a command line into words: whitespace separates, '…' and "…" quote, an unquoted # starts a comment. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= "";
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "#" && word === undefined) {
      break;
    } else {
      word = (word ?? "") + char;
    }
  }
  if (quote) throw new SyntaxError(`Unclosed ${quote} in README line: ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}

/** A fresh home directory, removed after `fn`. */
async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "mimi_home_" });
  try {
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** Runs `deno task client -- …args` in `home` against `server` (when given), with `input` piped to stdin. */
function client(home: string, server: TestServer | undefined, args: string[], input?: string): Promise<TaskResult> {
  const env = taskEnv(home, server ? { MIMI_CLIENT_TCP_PORT: String(server.tcpPort) } : {});
  return runTask("client", args, { env, input });
}

/** Asserts that a failure was reported as exactly one line with no stack trace. */
function assertOneLine(result: TaskResult, pattern: RegExp): void {
  assert.doesNotMatch(result.stderr, STACK_TRACE);
  const lines = result.stderr.split("\n").filter((line) => line.trim() !== "");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0], pattern);
}

Deno.test("shellWords() splits like a shell: quotes, comments and multi-byte words", () => {
  assert.deepEqual(shellWords(`echo "你好"      # prints it`), ["echo", "你好"]);
  assert.deepEqual(shellWords(`register alice 爱丽丝 'two words' a#b`), [
    "register",
    "alice",
    "爱丽丝",
    "two words",
    "a#b",
  ]);
});

Deno.test("the README's terminal and account commands work through deno task client on a first run", async () => {
  const commands = readmeCommands(await Deno.readTextFile(`${ROOT}README.md`), README_SECTIONS);
  const names = commands.map((words) => words.find((word) => !word.startsWith("-")));
  assert.ok(names.includes("register") && names.includes("login"), `the README shows register and login: ${names}`);
  assert.ok(names.indexOf("register") < names.indexOf("login"), "register comes before login");

  const server = await startTestServer();
  try {
    await withHome(async (home) => {
      let password = "readme pw 1";
      for (const [i, args] of commands.entries()) {
        const name = names[i];
        let input: string | undefined;
        let next = password;
        if (name === "register" || name === "login") input = `${password}\n`;
        if (name === "passwd") {
          next = `readme pw ${i + 2}`;
          input = `${password}\n${next}\n`;
        }
        const result = await client(home, server, args, input);
        const shown = `deno task client -- ${args.join(" ")}:\n${result.stderr}`;
        assert.equal(result.code, 0, shown);
        assert.doesNotMatch(result.stderr, STACK_TRACE, shown);
        if (name === "register") assert.match(result.stdout, /^Registered /, shown);
        if (name === "login") assert.match(result.stdout, /^Logged in as /, shown);
        if (name === "passwd") assert.match(result.stdout, /^Password changed/, shown);
        if (name === "echo") assert.equal(result.stdout, `${args.slice(1).join(" ")}\n`, shown);
        password = next;
      }

      // The first contact pinned the server's key in the default place, readable by its owner only.
      const known = `${home}/.mimi/known_servers`;
      assert.match(await Deno.readTextFile(known), new RegExp(`127\\.0\\.0\\.1:${server.tcpPort} SHA256:`));
      assert.equal((await Deno.stat(known)).mode! & 0o777, 0o600);
      if (names.includes("passwd")) {
        const user = commands[names.indexOf("login")].at(-1)!;
        assert.equal((await client(home, server, ["login", user], `${password}\n`)).code, 0, "the new password works");
      }
    });
  } finally {
    await server.close();
  }
});

Deno.test("deno task client forget drops a pin made on first contact and reports failures in one line", async () => {
  const server = await startTestServer();
  try {
    await withHome(async (home) => {
      const address = `127.0.0.1:${server.tcpPort}`;
      assert.equal((await client(home, server, ["echo", "pin me"])).code, 0);
      assert.match(await Deno.readTextFile(`${home}/.mimi/known_servers`), new RegExp(address));

      const forgot = await client(home, server, ["forget", address]);
      assert.equal(forgot.code, 0, forgot.stderr);
      assert.match(forgot.stdout, new RegExp(`Forgot the key of ${address}`));
      assert.doesNotMatch(await Deno.readTextFile(`${home}/.mimi/known_servers`), new RegExp(address));

      const again = await client(home, server, ["forget", address]);
      assert.equal(again.code, 1);
      assertOneLine(again, /^mimi client: no key is pinned for 127\.0\.0\.1:\d+/);

      // A pins "file" that is a directory cannot be read: still one line, not a stack trace.
      const env = taskEnv(home, { MIMI_CLIENT_KNOWN_SERVERS_FILE: home });
      const unreadable = await runTask("client", ["forget", address], { env });
      assert.equal(unreadable.code, 1);
      assertOneLine(unreadable, /^mimi client: .*directory/i);
    });
  } finally {
    await server.close();
  }
});

Deno.test("deno task client pointed at the server's web port says to use the TCP port", async () => {
  const server = await startTestServer();
  try {
    await withHome(async (home) => {
      const env = taskEnv(home, { MIMI_CLIENT_TCP_PORT: String(server.httpPort) });
      const result = await runTask("client", ["ping"], { env });
      assert.equal(result.code, 3, "a connection failure");
      assertOneLine(result, /web port.*TCP port.*TCP clients.*8111.*client\.tcpPort/);
      assert.doesNotMatch(result.stderr, /1213486160|bad frame/);
      assert.equal(result.stdout, "");
    });
  } finally {
    await server.close();
  }
});

Deno.test("deno task client refuses an empty or missing password from a pipe with one line and exit 2", async () => {
  await withHome(async (home) => {
    // No server: the password is read before connecting, so these never get that far.
    const empty = await client(home, undefined, ["register", "alice", "Alice"], "\n");
    assert.equal(empty.code, 2);
    assertOneLine(empty, /^mimi client: The password on standard input is empty$/);

    const none = await client(home, undefined, ["login", "alice"], "");
    assert.equal(none.code, 2);
    assertOneLine(none, /^mimi client: No password given: standard input ended$/);

    const noNew = await client(home, undefined, ["passwd", "alice"], "current only\n");
    assert.equal(noNew.code, 2);
    assertOneLine(noNew, /^mimi client: No password given/);
  });
});

Deno.test(
  "deno task client login --remember keeps the machine signed in: devices and logout then ask no password",
  async () => {
    const server = await startTestServer();
    try {
      await withHome(async (home) => {
        const password = "remember me 1";
        assert.equal((await client(home, server, ["register", "alice", "Alice"], `${password}\n`)).code, 0);
        const login = await client(home, server, ["login", "--remember", "alice"], `${password}\n`);
        assert.equal(login.code, 0, login.stderr);
        assert.match(login.stdout, /^Logged in as Alice \(alice\)/);
        assert.match(login.stdout, /stays signed in as "Terminal on \w+" \(device \d+\)/);
        const file = `${home}/.mimi/device_keys`;
        assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
        assert.equal((await Deno.stat(`${home}/.mimi`)).mode! & 0o777, 0o700, "in a directory of its owner's");
        assert.deepEqual(Object.keys(JSON.parse(await Deno.readTextFile(file))), [`127.0.0.1:${server.tcpPort}`]);

        // No input at all: a password prompt would fail with "standard input ended".
        const listed = await client(home, server, ["devices"]);
        assert.equal(listed.code, 0, listed.stderr);
        assert.match(listed.stdout, /^ +\d+ {2}Terminal on \w+: remembered .*, last used .* \(this machine\)$/m);
        const json = await client(home, server, ["devices", "--json"]);
        assert.equal(json.code, 0, json.stderr);
        assert.deepEqual(JSON.parse(json.stdout).devices.map((d: { current: boolean }) => d.current), [true]);

        const out = await client(home, server, ["logout"]);
        assert.equal(out.code, 0, out.stderr);
        assert.match(out.stdout, /^Logged out Alice \(alice\) from 127\.0\.0\.1:\d+/);
        assert.deepEqual(JSON.parse(await Deno.readTextFile(file)), {}, "the key is deleted");
        const after = await client(home, server, ["devices"]);
        assert.equal(after.code, 1);
        assertOneLine(after, /^mimi client: this machine has no remembered device for 127\.0\.0\.1:\d+/);
      });
    } finally {
      await server.close();
    }
  },
);

Deno.test("deno task client devices and logout without a remembered device say so, asking no password", async () => {
  await withHome(async (home) => {
    // No server: with no device key there is nothing to connect for.
    const env = taskEnv(home, { MIMI_CLIENT_TCP_PORT: "1" });
    const listed = await runTask("client", ["devices"], { env });
    assert.equal(listed.code, 1);
    assertOneLine(listed, /^mimi client: this machine has no remembered device for 127\.0\.0\.1:1; sign in with: /);
    const out = await runTask("client", ["logout"], { env });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "This machine is not signed in to 127.0.0.1:1; nothing to log out.\n");
    const usage = await runTask("client", ["devices", "--revoke", "x"], { env });
    assert.equal(usage.code, 2);
    assertOneLine(usage, /^mimi client: usage: devices \[--revoke ID\]/);
  });
});

Deno.test("deno task client checks the username before asking for a password", async () => {
  await withHome(async (home) => {
    const result = await client(home, undefined, ["login", "张三"]);
    assert.equal(result.code, 2);
    assertOneLine(result, /^mimi client: A username is 3 to 32 letters, digits, _ \. or -, got "张三"$/);
  });
});

Deno.test("deno task client -- --help, -h and help list the commands; --version prints the version", async () => {
  await withHome(async (home) => {
    for (const flag of ["--help", "-h", "help"]) {
      const result = await client(home, undefined, [flag]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Usage: mimi client <command>/);
      for (const { name } of COMMANDS) assert.match(result.stdout, new RegExp(`^  ${name}\\b`, "m"));
    }
    const version = await client(home, undefined, ["--version"]);
    assert.equal(version.code, 0);
    assert.equal(version.stdout, `mimi ${VERSION}\n`);
  });
});

Deno.test("deno task client -- <command> --help prints that command's usage with an example", async () => {
  await withHome(async (home) => {
    for (const { name, example } of COMMANDS) {
      for (const args of [[name, "--help"], [name, "-h"], ["help", name]]) {
        const result = await client(home, undefined, args);
        assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
        assert.match(result.stdout, new RegExp(`^Usage: mimi client ${name}\\b`));
        assert.ok(result.stdout.includes(`deno task client -- ${example}`), result.stdout);
      }
    }
    // Also with what would otherwise be the command's arguments: help is asked for, no password.
    const result = await client(home, undefined, ["register", "alice", "Alice", "--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: mimi client register \[--invite CODE\] <user> <nickname…>/);
  });
});

Deno.test("deno task client names the closest command when one is mistyped", async () => {
  await withHome(async (home) => {
    const typo = await client(home, undefined, ["regster", "alice"]);
    assert.equal(typo.code, 2);
    assertOneLine(typo, /^mimi client: unknown command "regster"; did you mean "register"\?/);

    const flag = await client(home, undefined, ["--verison"]);
    assert.equal(flag.code, 2);
    assertOneLine(flag, /did you mean "--version"\?/);

    const nothingClose = await client(home, undefined, ["xyzzy"]);
    assert.equal(nothingClose.code, 2);
    assertOneLine(nothingClose, /^mimi client: unknown command "xyzzy"; "help" lists the commands$/);
  });
});

Deno.test("deno task start -- --help, -h and --version print mimi's usage and version without serving", async () => {
  await withHome(async (home) => {
    for (const flag of ["--help", "-h"]) {
      const result = await runTask("start", [flag], { env: taskEnv(home) });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Usage: mimi \[serve\]/);
      assert.match(result.stdout, /mimi client <command>/);
    }
    const version = await runTask("start", ["--version"], { env: taskEnv(home) });
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `mimi ${VERSION}\n`);
  });
});

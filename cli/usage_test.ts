import assert from "node:assert/strict";
import { clientUsage, COMMANDS, commandUsage, unknownCommand } from "./usage.ts";

Deno.test("clientUsage() lists every command with its arguments", () => {
  const usage = clientUsage();
  for (const { name, args } of COMMANDS) {
    assert.ok(usage.includes(`  ${name}${args ? ` ${args}` : ""}`), `${name} is listed`);
  }
  assert.match(usage, /--version/);
});

Deno.test("commandUsage() gives the usage line, the details and a runnable example", () => {
  assert.equal(
    commandUsage("login"),
    `Usage: mimi client login [--remember[=NAME]] <user>
Log in and show your profile, friends and friend requests.
On a terminal the password is asked once and never shown; from a pipe it is the first line of input.
--remember keeps this machine signed in: devices and logout then need no password. The device's key stays in
client.deviceKeysFile (mode 0600); NAME is what the device list shows (default "Terminal on <system>").

Example:
  mimi client login alice
  deno task client -- login alice      (from a checkout)`,
  );
  for (const { name, example } of COMMANDS) {
    assert.ok(example.startsWith(name), `the example of ${name} runs ${name}`);
  }
});

Deno.test("commandUsage() returns undefined for a command that does not exist", () => {
  assert.equal(commandUsage("frobnicate"), undefined);
});

Deno.test("unknownCommand() names the closest command or option, and nothing when none is close", () => {
  assert.equal(
    unknownCommand("regster"),
    'unknown command "regster"; did you mean "register"? "help" lists the commands',
  );
  assert.match(unknownCommand("pign"), /did you mean "ping"\?/);
  assert.equal(
    unknownCommand("--user"),
    '"--user" goes after the command, e.g. "contacts --user NAME"; "help" lists the commands',
  );
  assert.match(unknownCommand("--json"), /^"--json" goes after the command, e\.g\. "contacts --json"/);
  assert.match(unknownCommand("pnig"), /did you mean "ping"\?/, "two letters swapped");
  assert.match(unknownCommand("--verison"), /did you mean "--version"\?/);
  assert.equal(unknownCommand("xyzzy"), 'unknown command "xyzzy"; "help" lists the commands');
});

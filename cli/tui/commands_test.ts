import assert from "node:assert/strict";
import { messageText, parseCommand } from "./commands.ts";

Deno.test("parseCommand() leaves plain text and // escapes as messages", () => {
  assert.equal(parseCommand("hello"), undefined);
  assert.equal(parseCommand("//not a command"), undefined);
  assert.equal(messageText("//not a command"), "/not a command");
  assert.equal(messageText("two\nlines"), "two\nlines");
});

Deno.test("parseCommand() reads each command with its arguments", () => {
  assert.deepEqual(parseCommand("/open 爱丽丝"), { name: "open", target: "爱丽丝" });
  assert.deepEqual(parseCommand("/open 2"), { name: "open", target: "2" });
  assert.deepEqual(parseCommand("/image ~/pics/cat one.png"), { name: "image", path: "~/pics/cat one.png" });
  assert.deepEqual(parseCommand("/add bob from work"), { name: "add", username: "bob", note: "from work" });
  assert.deepEqual(parseCommand("/add bob"), { name: "add", username: "bob" });
  assert.deepEqual(parseCommand("/accept"), { name: "accept" });
  assert.deepEqual(parseCommand("/reject carol"), { name: "reject", username: "carol" });
  assert.deepEqual(parseCommand("/create team bob carol"), {
    name: "create",
    room: "team",
    usernames: ["bob", "carol"],
  });
  assert.deepEqual(parseCommand("/join AB12CD"), { name: "join", code: "AB12CD" });
  assert.deepEqual(parseCommand("/invite bob carol"), { name: "invite", usernames: ["bob", "carol"] });
  assert.deepEqual(parseCommand("/MEMBERS"), { name: "members" });
  assert.deepEqual(parseCommand("/recall"), { name: "recall" });
  assert.deepEqual(parseCommand("/q"), { name: "quit" });
});

Deno.test("parseCommand() gives the usage when arguments are missing and a hint for a mistyped command", () => {
  assert.deepEqual(parseCommand("/open"), { error: "Usage: /open <number|name>" });
  assert.deepEqual(parseCommand("/invite"), { error: "Usage: /invite <user…>" });
  assert.deepEqual(parseCommand("/later a b"), { error: "Usage: /later [user]" });
  const typo = parseCommand("/opne x");
  assert.ok(typo && "error" in typo);
  assert.match(typo.error, /Unknown command \/opne; did you mean \/open\?/);
});

Deno.test("parseCommand() reads the group, friend and account commands", () => {
  assert.deepEqual(parseCommand("/rooms"), { name: "rooms" });
  assert.deepEqual(parseCommand("/leave"), { name: "leave" });
  assert.deepEqual(parseCommand("/code"), { name: "code", rotate: false });
  assert.deepEqual(parseCommand("/code new"), { name: "code", rotate: true });
  assert.deepEqual(parseCommand("/rename 读书 会"), { name: "rename", room: "读书 会" });
  assert.deepEqual(parseCommand("/kick bob"), { name: "kick", username: "bob" });
  assert.deepEqual(parseCommand("/transfer carol"), { name: "transfer", username: "carol" });
  assert.deepEqual(parseCommand("/delete"), { name: "delete" });
  assert.deepEqual(parseCommand("/delete my team"), { name: "delete", confirm: "my team" });
  assert.deepEqual(parseCommand("/block dave"), { name: "block", username: "dave" });
  assert.deepEqual(parseCommand("/unfriend dave"), { name: "unfriend", username: "dave" });
  assert.deepEqual(parseCommand("/nick 小 爱"), { name: "nick", nickname: "小 爱" });
  assert.deepEqual(parseCommand("/devices"), { name: "devices" });
  assert.deepEqual(parseCommand("/revoke 12"), { name: "revoke", deviceId: 12 });
  assert.deepEqual(parseCommand("/logout"), { name: "logout" });
});

Deno.test("parseCommand() refuses the group and account commands with missing or malformed arguments", () => {
  assert.deepEqual(parseCommand("/code old"), { error: "Usage: /code [new]" });
  assert.deepEqual(parseCommand("/kick"), { error: "Usage: /kick <user>" });
  assert.deepEqual(parseCommand("/kick bob carol"), { error: "Usage: /kick <user>" });
  assert.deepEqual(parseCommand("/revoke phone"), { error: "Usage: /revoke <id>" });
  assert.deepEqual(parseCommand("/nick"), { error: "Usage: /nick <nickname>" });
  assert.deepEqual(parseCommand("/rename"), { error: "Usage: /rename <name>" });
});

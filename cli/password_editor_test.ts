import assert from "node:assert/strict";
import { type EditResult, PasswordEditor } from "./password_editor.ts";

const BACKSPACE = "\x7f";

/** Feeds `input` (a string is sent as UTF-8) byte by byte, as a raw terminal delivers it; returns every result. */
function type(editor: PasswordEditor, input: string | number[]): EditResult[] {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  return [...bytes].map((byte) => editor.push(byte));
}

/** The line `input` gives, checking that it ends with Enter and nothing before did. */
function line(input: string | number[]): string {
  const editor = new PasswordEditor();
  const results = type(editor, input);
  assert.equal(results.at(-1), "enter");
  assert.ok(results.slice(0, -1).every((r) => r === "more"), `only the last byte ends the line: ${results}`);
  return editor.take();
}

Deno.test("PasswordEditor keeps multi-byte characters typed byte by byte", () => {
  assert.equal(line("密码 pässwörd 🔑\r"), "密码 pässwörd 🔑");
});

Deno.test("PasswordEditor Backspace removes one whole character whatever its UTF-8 length", () => {
  assert.equal(line(`密码码${BACKSPACE}\r`), "密码");
  assert.equal(line(`ab🔑${BACKSPACE}\r`), "ab");
  assert.equal(line(`aé${BACKSPACE}\r`), "a");
  assert.equal(line(`a${BACKSPACE}${BACKSPACE}b\r`), "b", "Backspace on an empty line does nothing");
  assert.equal(line("xy\x08\n"), "x", "Ctrl-H is Backspace too, and LF ends the line like CR");
});

Deno.test("PasswordEditor Backspace after part of a multi-byte character removes only that part", () => {
  const bytes = [...new TextEncoder().encode("ab"), 0xe5, 0xaf, 0x7f, ...new TextEncoder().encode("c\r")];
  assert.equal(line(bytes), "abc");
});

Deno.test("PasswordEditor Ctrl-U clears the line", () => {
  assert.equal(line("wrong\x15right\r"), "right");
});

Deno.test("PasswordEditor ignores arrow keys, function keys and other control characters", () => {
  assert.equal(line("a\x1b[Db\x1b[1;5Cc\x1bOPd\x1b[15~e\x00\x1af\r"), "abcdef");
});

Deno.test("PasswordEditor keeps a tab and the byte after a lone Escape", () => {
  assert.equal(line("a\tb\x1bc\r"), "a\tbc");
});

Deno.test("PasswordEditor Ctrl-C cancels, even in the middle of an escape sequence", () => {
  assert.deepEqual(type(new PasswordEditor(), "pa\x03"), ["more", "more", "cancel"]);
  assert.deepEqual(type(new PasswordEditor(), "\x1b[\x03"), ["more", "more", "cancel"]);
});

Deno.test("PasswordEditor Ctrl-D ends input on an empty line only", () => {
  assert.deepEqual(type(new PasswordEditor(), "\x04"), ["end"]);
  const editor = new PasswordEditor();
  assert.deepEqual(type(editor, "ab\x04\r"), ["more", "more", "more", "enter"]);
  assert.equal(editor.take(), "ab");
});

Deno.test("PasswordEditor flags bytes that are not UTF-8 instead of guessing a password", () => {
  const editor = new PasswordEditor();
  type(editor, [0x61, 0xe9, 0x62, 0x0d]); // "aéb" from a Latin-1 terminal
  assert.equal(editor.invalid, true);
  editor.take();
  assert.equal(editor.invalid, false, "take() starts a fresh line");

  const truncated = new PasswordEditor();
  type(truncated, [0x61, 0xe5, 0x0d]); // a character cut short by Enter
  assert.equal(truncated.invalid, true);

  const cleared = new PasswordEditor();
  type(cleared, [0xff, 0x15, 0x61, 0x0d]);
  assert.equal(cleared.invalid, false, "Ctrl-U clears the flag with the line");
  assert.equal(cleared.take(), "a");
});

Deno.test("PasswordEditor take() forgets the line", () => {
  const editor = new PasswordEditor();
  type(editor, "secret\r");
  assert.equal(editor.take(), "secret");
  assert.equal(editor.take(), "");
});

import assert from "node:assert/strict";
import { fitToWidth, textWidth, wrapToWidth } from "./width.ts";

Deno.test("textWidth() counts CJK and emoji as two columns and combining marks as none", () => {
  assert.equal(textWidth("abc"), 3);
  assert.equal(textWidth("爱丽丝"), 6);
  assert.equal(textWidth("こんにちは"), 10);
  assert.equal(textWidth("👍"), 2);
  assert.equal(textWidth("e\u0301"), 1);
});

Deno.test("fitToWidth() pads short text and cuts long text to exactly the width", () => {
  assert.equal(fitToWidth("bob", 5), "bob  ");
  assert.equal(fitToWidth("爱丽丝", 6), "爱丽丝");
  assert.equal(fitToWidth("爱丽丝", 5), "爱丽…");
  // The ellipsis after a wide character that does not fit leaves a column, which a space fills.
  assert.equal(fitToWidth("爱丽丝", 4), "爱… ");
  for (const width of [0, 1, 2, 3, 7, 12]) {
    for (const text of ["hello world", "你好，世界", "mixed 混合 👍 text", ""]) {
      assert.equal(textWidth(fitToWidth(text, width)), width, `${JSON.stringify(text)} in ${width}`);
    }
  }
});

Deno.test("fitToWidth() shows line breaks as spaces and refuses a negative width", () => {
  assert.equal(fitToWidth("a\nb", 4), "a b ");
  assert.throws(() => fitToWidth("a", -1), RangeError);
});

Deno.test("wrapToWidth() breaks between words, keeps the text's own line breaks, and splits CJK anywhere", () => {
  assert.deepEqual(wrapToWidth("the quick brown fox", 10), ["the quick", "brown fox"]);
  assert.deepEqual(wrapToWidth("line one\nline two", 20), ["line one", "line two"]);
  assert.deepEqual(wrapToWidth("你好世界 hello", 6), ["你好世", "界", "hello"]);
  assert.deepEqual(wrapToWidth("", 5), [""]);
  assert.deepEqual(wrapToWidth("a\n\nb", 5), ["a", "", "b"]);
});

Deno.test("wrapToWidth() splits a word longer than the line and never exceeds the width", () => {
  assert.deepEqual(wrapToWidth("abcdefghij", 4), ["abcd", "efgh", "ij"]);
  const text = "混合 mixed テキスト with 👍 emoji and averyveryverylongword 末尾";
  for (const width of [2, 3, 5, 8, 13]) {
    const lines = wrapToWidth(text, width);
    for (const line of lines) assert.ok(textWidth(line) <= width, `${JSON.stringify(line)} fits ${width}`);
    assert.equal(lines.join("").replace(/\s/g, ""), text.replace(/\s/g, ""), `nothing lost at ${width}`);
  }
});

Deno.test("wrapToWidth() gives a character wider than the line a line of its own", () => {
  assert.deepEqual(wrapToWidth("a你b", 1), ["a", "你", "b"]);
});

Deno.test("wrapToWidth() refuses a width below one column", () => {
  assert.throws(() => wrapToWidth("a", 0), RangeError);
});

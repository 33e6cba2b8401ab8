import assert from "node:assert/strict";
import { applyChatFont, cssFamily } from "./_font.ts";

Deno.test("cssFamily() leaves generic families bare and quotes others with their quotes escaped", () => {
  assert.equal(cssFamily("Monospace"), "Monospace");
  assert.equal(cssFamily("Noto Sans CJK SC"), '"Noto Sans CJK SC"');
  assert.equal(cssFamily('Evil" ; color: red'), '"Evil\\" ; color: red"');
  assert.equal(cssFamily("a\nb\\"), '"ab\\\\"');
});

Deno.test("applyChatFont() sets the custom properties of a chosen font and clears those of the default", () => {
  const set = new Map<string, string>();
  const style = {
    setProperty: (name: string, value: string | null) => void set.set(name, value ?? ""),
    removeProperty: (name: string) => (set.delete(name), ""),
  };
  applyChatFont(style, { family: "KaiTi", size: 18 });
  assert.deepEqual([...set], [["--chat-font-family", '"KaiTi"'], ["--chat-font-size", "18px"]]);
  applyChatFont(style, { family: null, size: null });
  assert.equal(set.size, 0);
});

import assert from "node:assert/strict";
import { displayWidth } from "../core/client/mod.ts";
import { formatTable } from "./table.ts";

Deno.test("formatTable() aligns columns by display width, wide characters counting two", () => {
  const lines = formatTable([
    ["爱丽丝", "alice", "online"],
    ["Bob", "bob", "last seen"],
    ["🙂x", "carol", "offline"],
  ]);
  assert.deepEqual(lines, [
    "爱丽丝  alice  online",
    "Bob     bob    last seen",
    "🙂x     carol  offline",
  ]);
  const secondColumn = lines.map((line, i) => displayWidth(line.slice(0, line.indexOf(["alice", "bob", "carol"][i]))));
  assert.deepEqual(secondColumn, [8, 8, 8], "the second column starts in the same place on every line");
});

Deno.test("formatTable() leaves no trailing spaces and copes with short rows", () => {
  assert.deepEqual(formatTable([["a", ""], ["bbb"]]), ["a", "bbb"]);
  assert.deepEqual(formatTable([]), []);
});

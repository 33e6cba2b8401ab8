// Documents that are generated from code stay in step with it.

import assert from "node:assert/strict";
import { describeConfig } from "../core/config/docs.ts";

Deno.test("README's configuration table matches the config schema", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const table = readme.match(/<!-- config-table:start[^>]*-->\n([\s\S]*?)\n<!-- config-table:end -->/)?.[1];
  assert.ok(table, "README.md lacks the config-table markers");
  const normalise = (md: string) =>
    md.split("\n").map((line) => line.replace(/\s*\|\s*/g, "|").replace(/-{3,}/g, "---").trim());
  assert.deepEqual(normalise(table.trim()), normalise(describeConfig().trim()));
});

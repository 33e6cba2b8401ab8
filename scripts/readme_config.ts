// Writes the configuration table of README.md from the schema (core/config/docs.ts), between its config-table
// markers; tests/docs_test.ts fails until it is run after a setting changes. Run: deno run -RW scripts/readme_config.ts

import { describeConfig } from "../core/config/docs.ts";

const README = new URL("../README.md", import.meta.url);
const MARKERS = /(<!-- config-table:start[^>]*-->\n)[\s\S]*?(\n<!-- config-table:end -->)/;

const readme = await Deno.readTextFile(README);
if (!MARKERS.test(readme)) throw new SyntaxError("README.md lacks the config-table markers");
const table = describeConfig().trimEnd();
const updated = readme.replace(MARKERS, (_all, start: string, end: string) => `${start}${table}${end}`);
await Deno.writeTextFile(README, updated);
console.log(updated === readme ? "README.md: the config table was current" : "README.md: config table updated");

// Regenerates README.md's configuration table (between the config-table markers) from the config schema.
//
// Run after changing core/config/schema.ts: `deno run --allow-read --allow-write scripts/config_table.ts`, then
// `deno fmt README.md`. tests/docs_test.ts fails while the table and the schema disagree.

import { describeConfig } from "../core/config/docs.ts";

const readmeUrl = new URL("../README.md", import.meta.url);
const readme = await Deno.readTextFile(readmeUrl);
const markers = /(<!-- config-table:start[^>]*-->\n)[\s\S]*?(\n<!-- config-table:end -->)/;
if (!markers.test(readme)) {
  console.error("README.md lacks the config-table markers");
  Deno.exit(1);
}
await Deno.writeTextFile(
  readmeUrl,
  readme.replace(markers, (_, start, end) => `${start}\n${describeConfig().trim()}\n${end}`),
);
console.log("README.md: configuration table regenerated");

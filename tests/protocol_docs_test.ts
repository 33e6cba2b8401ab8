// docs/PROTOCOL.md lists exactly the registry's operations, pushes and error codes: the §5.1 and §5.2 table rows and the
// §6 code table rows are the machine-checked form, and every other opcode row in the spec must agree with them.

import assert from "node:assert/strict";
import { ERROR_CODES } from "../core/protocol/errors.ts";
import { opByCode, OPS, pushByCode, PUSHES } from "../core/protocol/registry.ts";

const spec = await Deno.readTextFile(new URL("../docs/PROTOCOL.md", import.meta.url));

/** The text of a section, from its heading to the next heading of the same or a higher level. */
function section(heading: string): string {
  const lines = spec.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`${heading} `) || line === heading);
  assert.notEqual(start, -1, `PROTOCOL.md has no heading "${heading}"`);
  const level = heading.split(" ")[0];
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && line.split(" ")[0].length <= level.length);
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n");
}

/** Every Markdown table of a text: its header cells and its body rows' cells. */
function tables(text: string): { header: string[]; rows: string[][] }[] {
  const out: { header: string[]; rows: string[][] }[] = [];
  let current: string[][] | undefined;
  for (const line of text.split("\n")) {
    if (!line.startsWith("|")) {
      current = undefined;
      continue;
    }
    const cells = line.slice(1, line.lastIndexOf("|")).split("|").map((cell) => cell.trim());
    if (cells.every((cell) => /^-+$/.test(cell))) continue;
    if (!current) out.push({ header: cells, rows: current = [] });
    else current.push(cells);
  }
  return out;
}

/** The one table of a section whose header starts with the given cells. */
function table(text: string, ...header: string[]): string[][] {
  const found = tables(text).filter((t) => header.every((cell, i) => t.header[i] === cell));
  assert.equal(found.length, 1, `one table with header ${header.join(" | ")}`);
  return found[0].rows;
}

const hex = (opcode: number) => `\`0x${opcode.toString(16).padStart(4, "0")}\``;
const sorted = (rows: string[][]) => rows.map((row) => row.join(" | ")).sort();

Deno.test("PROTOCOL.md §5.1 lists exactly the registry's operations with opcode, name, auth rule and ordering", () => {
  const rows = table(section("### 5.1"), "opcode", "name", "auth", "ordered");
  assert.deepEqual(
    sorted(rows.map((row) => row.slice(0, 4))),
    sorted(
      Object.values(OPS).map((op) => [
        hex(op.opcode),
        `\`${op.name}\``,
        op.auth === "user" ? "logged in" : "anonymous",
        op.ordered ? "yes" : "no",
      ]),
    ),
  );
});

Deno.test("PROTOCOL.md §5.2 lists exactly the registry's pushes with opcode and name", () => {
  const rows = table(section("### 5.2"), "opcode", "name", "body");
  assert.deepEqual(
    sorted(rows.map((row) => row.slice(0, 2))),
    sorted(Object.values(PUSHES).map((push) => [hex(push.opcode), `\`${push.name}\``])),
  );
});

Deno.test("PROTOCOL.md §6 lists exactly the error codes, each with whether it closes the connection", () => {
  const rows = table(section("## 6."), "code", "closes the connection", "when");
  const listed = rows.flatMap(([codes, closes]) =>
    [...codes.matchAll(/`([a-z_]+)`/g)].map(([, code]) => ({ code, closes: closes.split(" ").at(-1) }))
  );
  assert.deepEqual(listed.map((entry) => entry.code).sort(), Object.keys(ERROR_CODES).sort());
  for (const { code, closes } of listed) {
    // "as an alert yes, as an envelope no": the registry's answer is the envelope's, the last word of the cell.
    assert.equal(closes, ERROR_CODES[code as keyof typeof ERROR_CODES].closes ? "yes" : "no", code);
  }
});

Deno.test("every other opcode row in PROTOCOL.md names an operation or push of the registry by its opcode", () => {
  const known = new Set(
    [...Object.values(OPS), ...Object.values(PUSHES)].map((def) => `${hex(def.opcode)} \`${def.name}\``),
  );
  let rows = 0;
  for (const { rows: body } of tables(spec)) {
    for (const [opcode, name] of body) {
      if (!/^`0x[0-9a-f]{4}`$/.test(opcode) || !/^`[a-z_]+`$/.test(name ?? "")) continue;
      rows++;
      assert.ok(known.has(`${opcode} ${name}`), `${opcode} ${name} is not in the registry`);
    }
  }
  assert.ok(rows > Object.keys(OPS).length, "the section 10 tables were read too");
});

Deno.test("PROTOCOL.md gives opcode 0x0000 to error, which no operation or push uses", () => {
  assert.match(section("## 5."), /Opcode `0x0000` is `error`/);
  assert.equal(opByCode(0x0000), undefined);
  assert.equal(pushByCode(0x0000), undefined);
});

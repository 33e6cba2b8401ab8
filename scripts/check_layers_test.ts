// Tests for the rooms checker, on small in-memory file sets.

import assert from "node:assert/strict";
import { checkLayers, findImports, roomOf, ROOMS, TEMPORARY } from "./check_layers.ts";

const NPM = { "valibot": "npm:valibot@1.5.0", "@noble/hashes": "npm:@noble/hashes@2.4.0", "preact/": "npm:/preact@1/" };

Deno.test("checkLayers() names the file, line, specifier and the room's rule for a forbidden arrow", () => {
  const problems = checkLayers([
    {
      path: "core/codec/frame.ts",
      text: '// Frames.\n\nimport { x } from "./value.ts";\nimport { log } from "../../server/log.ts";\n',
    },
    { path: "core/codec/value.ts", text: "export const x = 1;\n" },
    { path: "server/log.ts", text: "export const log = 1;\n" },
  ]);
  assert.equal(problems.length, 1);
  assert.match(
    problems[0],
    /^core\/codec\/frame\.ts:4 imports \.\.\/\.\.\/server\/log\.ts: core\/codec\/ may import only /,
  );
});

Deno.test("checkLayers() allows the arrows of the table and refuses the reverse ones", () => {
  const ok = checkLayers([
    {
      path: "core/crypto/a.ts",
      text: 'import "../codec/b.ts";\nimport "../bytes/mod.ts";\nimport "../time/clock.ts";\n',
    },
    { path: "core/protocol/p.ts", text: 'import * as v from "valibot";\nimport "../codec/b.ts";\n' },
    { path: "routes/index.tsx", text: 'import "../server/server.ts";\nimport "preact/hooks";\n' },
    { path: "main.ts", text: 'import "./cli/main.ts";\n' },
  ], { importMap: NPM });
  assert.deepEqual(ok, []);
  const bad = checkLayers([
    { path: "core/codec/b.ts", text: 'import "../crypto/a.ts";\n' },
    { path: "core/bytes/x.ts", text: 'import "../time/clock.ts";\n' },
    { path: "core/protocol/p.ts", text: 'import "../crypto/a.ts";\n' },
    { path: "islands/A.tsx", text: 'import "../server/server.ts";\n' },
  ]);
  assert.deepEqual(bad.map((p) => p.split(":")[0]), [
    "core/codec/b.ts",
    "core/bytes/x.ts",
    "core/protocol/p.ts",
    "islands/A.tsx",
  ]);
});

Deno.test("checkLayers() lets core/ use only the npm packages listed for its room", () => {
  const problems = checkLayers([
    {
      path: "core/crypto/h.ts",
      text: 'import { sha256 } from "@noble/hashes/sha2.js";\nimport * as v from "valibot";\n',
    },
    { path: "core/time/t.ts", text: 'import "npm:left-pad@1";\n' },
    { path: "server/s.ts", text: 'import "npm:ws@8";\nimport "node:net";\n' },
  ], { importMap: NPM });
  assert.equal(problems.length, 2);
  assert.match(problems[0], /^core\/crypto\/h\.ts:2 imports valibot: /);
  assert.match(problems[1], /^core\/time\/t\.ts:1 imports npm:left-pad@1: /);
});

Deno.test("checkLayers() fails an import circle and names every file and line in it", () => {
  const problems = checkLayers([
    { path: "server/a.ts", text: 'import { b } from "./b.ts";\nexport const a = 1;\n' },
    { path: "server/b.ts", text: '\nimport type { c } from "./c.ts";\nexport const b = 1;\n' },
    { path: "server/c.ts", text: '\n\nexport { a as c } from "./a.ts";\n' },
    { path: "server/d.ts", text: 'import "./a.ts";\n' },
  ]);
  assert.deepEqual(problems, ["import circle: server/a.ts:1 -> server/b.ts:2 -> server/c.ts:3 -> server/a.ts"]);
});

Deno.test("checkLayers() lets test files, tests/ and bench/ import anything, but still finds their circles", () => {
  const files = [
    { path: "core/codec/value_test.ts", text: 'import "../../server/log.ts";\nimport "node:assert/strict";\n' },
    { path: "tests/x.ts", text: 'import "../islands/A.tsx";\nimport "../cli/main.ts";\n' },
    { path: "bench/y.ts", text: 'import "../server/log.ts";\n' },
  ];
  assert.deepEqual(checkLayers(files), []);
  const circle = checkLayers([
    { path: "tests/_a.ts", text: 'import "./_b.ts";\n' },
    { path: "tests/_b.ts", text: 'import "./_a.ts";\n' },
  ]);
  assert.deepEqual(circle, ["import circle: tests/_a.ts:1 -> tests/_b.ts:1 -> tests/_a.ts"]);
});

Deno.test("checkLayers() fails a deep import into core/client from islands/ or cli/ unless it is on the allow-list", () => {
  const files = [
    {
      path: "islands/Chat.tsx",
      text: 'import { connect } from "../core/client/mod.ts";\nimport "../core/client/outbox.ts";\n',
    },
    { path: "cli/main.ts", text: 'import "../core/client/secure.ts";\n' },
  ];
  assert.deepEqual(checkLayers(files, { exceptions: [] }), [
    "islands/Chat.tsx:2 imports ../core/client/outbox.ts: islands/ may import core/client/ only through core/client/mod.ts",
    "cli/main.ts:1 imports ../core/client/secure.ts: cli/ may import core/client/ only through core/client/mod.ts",
  ]);
  const allowed = [{ from: "cli/main.ts", to: "core/client/secure.ts", reason: "for now" }];
  assert.equal(checkLayers(files, { exceptions: allowed }).length, 1);
  // Other rooms may reach inside core/client (the server's tests, core itself).
  assert.deepEqual(checkLayers([{ path: "core/client/a.ts", text: 'import "./secure.ts";\n' }]), []);
});

Deno.test("TEMPORARY is empty: islands/ and cli/ reach core/client/ only through its mod.ts", () => {
  assert.deepEqual(TEMPORARY, []);
});

Deno.test("checkLayers() refuses a file in a core/ folder that has no row, and lets core/version.ts stay a leaf", () => {
  const problems = checkLayers([
    { path: "core/newroom/a.ts", text: 'import "../bytes/mod.ts";\n' },
    { path: "core/version.ts", text: 'import "./codec/mod.ts";\n' },
  ]);
  assert.equal(problems.length, 2);
  assert.match(problems[0], /core\/newroom\/a\.ts is in no room/);
  assert.match(problems[1], /^core\/version\.ts:1 imports \.\/codec\/mod\.ts: core\/ may import only core\//);
  assert.equal(roomOf("core/crypto/primitives/x.ts", ROOMS)?.folder, "core/crypto/");
});

Deno.test("findImports() reads static, re-export, side-effect and literal dynamic imports, not comments or templates", () => {
  const text = [
    "// import { no } from './comment.ts';",
    "/**",
    " * import { no } from './jsdoc.ts';",
    " */",
    "import {",
    "  type A,",
    "  b,",
    '} from "./multi.ts";',
    "export * from './star.ts';",
    'import "./side.ts";',
    "const source = `import { no } from './template.ts';`;",
    'const m = await import("./dynamic.ts");',
    "const pattern = /[\"']node:/;",
    "const url = 'https://example.com//x';",
    'export { c } from "./after_regex.ts";',
  ].join("\n");
  assert.deepEqual(findImports(text), [
    { specifier: "./multi.ts", line: 5 },
    { specifier: "./star.ts", line: 9 },
    { specifier: "./side.ts", line: 10 },
    { specifier: "./dynamic.ts", line: 12 },
    { specifier: "./after_regex.ts", line: 15 },
  ]);
});

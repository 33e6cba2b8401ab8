// Tests for the generated Markdown reference.

import assert from "node:assert/strict";
import { describeConfig } from "./docs.ts";
import { CONFIG_LEAVES, envVarName } from "./schema.ts";

Deno.test("describeConfig() renders a header and one row per leaf, in table order", () => {
  const lines = describeConfig().trimEnd().split("\n");
  assert.equal(
    lines[0],
    "| Key | Default | Allowed values | Environment variable | Description |",
  );
  assert.equal(lines[1], "| --- | --- | --- | --- | --- |");
  assert.equal(lines.length, 2 + CONFIG_LEAVES.length);
  CONFIG_LEAVES.forEach((leaf, i) => {
    const row = lines[i + 2];
    assert.ok(row.startsWith(`| \`${leaf.path}\` |`), row);
    assert.ok(row.includes(`\`${envVarName(leaf.path)}\``), row);
    assert.ok(row.endsWith(` ${leaf.description} |`), row);
  });
});

Deno.test("describeConfig() shows defaults as JSON and the allowed values", () => {
  const table = describeConfig();
  assert.ok(
    table.includes(
      "| `server.tcpPort` | `8111` | an integer from 0 to 65535 | `MIMI_SERVER_TCP_PORT` |",
    ),
  );
  assert.ok(table.includes('| `log.level` | `"info"` | one of "debug", "info"'));
});

Deno.test("describeConfig() shows list defaults as readable JSON and says lists are comma-separated", () => {
  const table = describeConfig();
  assert.ok(
    table.includes(
      '| `crypto.kex` | `["x25519-mlkem768", "x25519", "p256"]` | a non-empty list of distinct values from ' +
        '"x25519-mlkem768", "x25519", "p256", "ffdhe"; comma-separated in the variable or flag | `MIMI_CRYPTO_KEX` |',
    ),
  );
  assert.ok(table.includes('| `crypto.hash` | `["sha256", "sha384"]` |'));
});

Deno.test("describeConfig() shows boolean and empty-string defaults as JSON", () => {
  const table = describeConfig();
  assert.ok(table.includes("| `client.tls` | `false` | true or false | `MIMI_CLIENT_TLS` |"));
  assert.ok(table.includes('| `server.tls.certFile` | `""` | a string | `MIMI_SERVER_TLS_CERT_FILE` |'));
  assert.ok(table.includes('| `client.knownServersFile` | `"~/.mimi/known_servers"` | a non-empty string |'));
  assert.ok(table.includes('| `crypto.modulus` | `"ffdhe3072"` | a non-empty string |'));
});

Deno.test("describeConfig() keeps exactly five cells in every row", () => {
  for (const line of describeConfig().trimEnd().split("\n")) {
    const cells = line.replaceAll("\\|", "").split("|").length - 2;
    assert.equal(cells, 5, line);
  }
});

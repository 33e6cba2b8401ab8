// Tests that the schema table, the defaults and the naming rules agree.

import assert from "node:assert/strict";
import { checkLeaf } from "./_leaf.ts";
import { CONFIG_LEAVES, CROSS_CHECKS, DEFAULT_CONFIG, envVarName, flagName, getLeaf, LOG_LEVELS } from "./schema.ts";

/** Dotted paths of every non-object value in `node`. */
function scalarPaths(node: object, prefix = ""): string[] {
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === "object" && value !== null ? scalarPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`]
  );
}

Deno.test("CONFIG_LEAVES has exactly one row per value in DEFAULT_CONFIG", () => {
  const rows = CONFIG_LEAVES.map((leaf) => leaf.path);
  assert.equal(new Set(rows).size, rows.length, "duplicate rows");
  assert.deepEqual([...rows].sort(), scalarPaths(DEFAULT_CONFIG).sort());
});

Deno.test("DEFAULT_CONFIG passes its own leaf and cross-field checks", () => {
  for (const leaf of CONFIG_LEAVES) {
    assert.equal(checkLeaf(leaf, getLeaf(DEFAULT_CONFIG, leaf.path)), undefined);
  }
  for (const { check } of CROSS_CHECKS) {
    assert.equal(check(DEFAULT_CONFIG), undefined);
  }
});

Deno.test("DEFAULT_CONFIG and the schema tables are deep-frozen", () => {
  for (
    const node of [
      DEFAULT_CONFIG,
      DEFAULT_CONFIG.server,
      DEFAULT_CONFIG.server.limits,
      DEFAULT_CONFIG.client,
      DEFAULT_CONFIG.log,
      DEFAULT_CONFIG.crypto,
      CONFIG_LEAVES,
      CONFIG_LEAVES[0],
      CROSS_CHECKS,
      LOG_LEVELS,
    ]
  ) {
    assert.ok(Object.isFrozen(node));
  }
});

Deno.test("DEFAULT_CONFIG has an empty crypto section reserved for cipher suites", () => {
  assert.deepEqual(DEFAULT_CONFIG.crypto, {});
  assert.ok(CONFIG_LEAVES.every((leaf) => !leaf.path.startsWith("crypto.")));
});

Deno.test("every integer range is sensible and contains its default", () => {
  for (const leaf of CONFIG_LEAVES) {
    if (leaf.type !== "integer") continue;
    assert.ok(Number.isSafeInteger(leaf.min) && Number.isSafeInteger(leaf.max));
    assert.ok(leaf.min <= leaf.max, leaf.path);
  }
  const port = (path: string) => CONFIG_LEAVES.find((leaf) => leaf.path === path);
  assert.deepEqual(
    [port("server.tcpPort"), port("client.tcpPort")].map((leaf) =>
      leaf?.type === "integer" ? [leaf.min, leaf.max] : undefined
    ),
    [[0, 65535], [1, 65535]],
  );
});

Deno.test("every leaf has a one-line description without a final period", () => {
  for (const leaf of CONFIG_LEAVES) {
    assert.match(leaf.description, /^[A-Z][^\n]*[^.]$/, leaf.path);
  }
});

Deno.test("envVarName() turns the path into MIMI_ and UPPER_SNAKE", () => {
  assert.equal(envVarName("server.tcpPort"), "MIMI_SERVER_TCP_PORT");
  assert.equal(
    envVarName("server.limits.maxFrameBytes"),
    "MIMI_SERVER_LIMITS_MAX_FRAME_BYTES",
  );
  assert.equal(
    envVarName("server.limits.connectionsPerIpPerMinute"),
    "MIMI_SERVER_LIMITS_CONNECTIONS_PER_IP_PER_MINUTE",
  );
  assert.equal(envVarName("log.level"), "MIMI_LOG_LEVEL");
});

Deno.test("envVarName() gives every leaf a distinct variable other than MIMI_CONFIG", () => {
  const names = CONFIG_LEAVES.map((leaf) => envVarName(leaf.path));
  assert.equal(new Set(names).size, names.length);
  assert.ok(!names.includes("MIMI_CONFIG"));
});

Deno.test("flagName() is -- and the dotted path", () => {
  assert.equal(flagName("server.limits.maxFrameBytes"), "--server.limits.maxFrameBytes");
});

Deno.test("getLeaf() reads nested values by dotted path", () => {
  assert.equal(getLeaf(DEFAULT_CONFIG, "server.limits.outboundQueueBytes"), 8388608);
  assert.equal(getLeaf(DEFAULT_CONFIG, "log.level"), "info");
});

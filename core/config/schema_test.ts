// Tests that the schema table, the defaults and the naming rules agree.

import assert from "node:assert/strict";
import { checkLeaf } from "./_leaf.ts";
import {
  CONFIG_LEAVES,
  type ConfigPath,
  CROSS_CHECKS,
  DEFAULT_CONFIG,
  envVarName,
  flagName,
  getLeaf,
  LOG_LEVELS,
} from "./schema.ts";
import { ALGORITHMS } from "../crypto/suites.ts";

/** Dotted paths of every value in `node` that is not a nested object; a list is one value. */
function leafPaths(node: object, prefix = ""): string[] {
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? leafPaths(value, `${prefix}${key}.`)
      : [`${prefix}${key}`]
  );
}

Deno.test("CONFIG_LEAVES has exactly one row per value in DEFAULT_CONFIG", () => {
  const rows = CONFIG_LEAVES.map((leaf) => leaf.path);
  assert.equal(new Set(rows).size, rows.length, "duplicate rows");
  assert.deepEqual([...rows].sort(), leafPaths(DEFAULT_CONFIG).sort());
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
      DEFAULT_CONFIG.server.tls,
      DEFAULT_CONFIG.client,
      DEFAULT_CONFIG.log,
      DEFAULT_CONFIG.crypto,
      DEFAULT_CONFIG.crypto.kex,
      DEFAULT_CONFIG.crypto.aead,
      CONFIG_LEAVES,
      CONFIG_LEAVES[0],
      CROSS_CHECKS,
      LOG_LEVELS,
    ]
  ) {
    assert.ok(Object.isFrozen(node));
  }
});

Deno.test("DEFAULT_CONFIG offers every implemented algorithm in ALGORITHMS order but ffdhe, which is opt-in", () => {
  assert.deepEqual(DEFAULT_CONFIG.crypto, {
    kex: ["x25519-mlkem768", "x25519", "p256"],
    aead: ["aes-256-gcm", "chacha20-poly1305", "aes-128-gcm"],
    hash: ["sha256", "sha384"],
    sig: ["ed25519", "ecdsa-p256"],
    modulus: "ffdhe3072",
    base: 2,
    handshakeTimeoutMs: 10000,
    rekeyAfterRecords: 1048576,
    rekeyAfterBytes: 1073741824,
    padding: 32,
  });
  for (const part of ["aead", "hash", "sig"] as const) {
    assert.deepEqual(DEFAULT_CONFIG.crypto[part], ALGORITHMS[part], part);
  }
  assert.deepEqual(DEFAULT_CONFIG.crypto.kex, ALGORITHMS.kex.filter((kex) => kex !== "ffdhe"));
});

Deno.test("every crypto algorithm category is a list leaf over exactly the implemented algorithms", () => {
  for (const part of ["kex", "aead", "hash", "sig"] as const) {
    const leaf = CONFIG_LEAVES.find((row) => row.path === `crypto.${part}`);
    assert.equal(leaf?.type, "list", part);
    assert.deepEqual(leaf.type === "list" ? leaf.values : undefined, ALGORITHMS[part]);
  }
});

Deno.test("every list and enum leaf offers distinct values and its default is one of them", () => {
  for (const leaf of CONFIG_LEAVES) {
    if (leaf.type !== "list" && leaf.type !== "enum") continue;
    assert.ok(leaf.values.length > 0, leaf.path);
    assert.equal(new Set(leaf.values).size, leaf.values.length, leaf.path);
    const value = getLeaf(DEFAULT_CONFIG, leaf.path) as unknown;
    const defaults = Array.isArray(value) ? value : [value];
    assert.ok(defaults.every((item) => leaf.values.includes(item)), leaf.path);
  }
});

Deno.test("only TLS file paths may be empty strings, and they are off by default", () => {
  const optional: string[] = CONFIG_LEAVES.filter((leaf) => leaf.type === "string" && leaf.allowEmpty).map((leaf) =>
    leaf.path
  );
  assert.deepEqual(optional, ["server.tls.certFile", "server.tls.keyFile", "client.caFile"]);
  assert.deepEqual(optional.map((path) => getLeaf(DEFAULT_CONFIG, path as ConfigPath)), ["", "", ""]);
  assert.equal(DEFAULT_CONFIG.client.tls, false);
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

Deno.test("getLeaf() reads nested values by dotted path, lists and booleans whole", () => {
  assert.equal(getLeaf(DEFAULT_CONFIG, "server.limits.outboundQueueBytes"), 8388608);
  assert.equal(getLeaf(DEFAULT_CONFIG, "log.level"), "info");
  assert.equal(getLeaf(DEFAULT_CONFIG, "server.tls.certFile"), "");
  assert.equal(getLeaf(DEFAULT_CONFIG, "client.tls"), false);
  assert.equal(getLeaf(DEFAULT_CONFIG, "crypto.aead"), DEFAULT_CONFIG.crypto.aead);
});

Deno.test("envVarName() and flagName() name the new TLS and crypto leaves", () => {
  assert.equal(envVarName("server.tls.certFile"), "MIMI_SERVER_TLS_CERT_FILE");
  assert.equal(envVarName("client.knownServersFile"), "MIMI_CLIENT_KNOWN_SERVERS_FILE");
  assert.equal(envVarName("crypto.handshakeTimeoutMs"), "MIMI_CRYPTO_HANDSHAKE_TIMEOUT_MS");
  assert.equal(envVarName("crypto.aead"), "MIMI_CRYPTO_AEAD");
  assert.equal(flagName("crypto.aead"), "--crypto.aead");
});

// Tests for resolveConfig() and findConfigPath(): layering, flags, and errors that name the key.

import assert from "node:assert/strict";
import { ConfigError, findConfigPath, resolveConfig } from "./resolve.ts";
import { CONFIG_LEAVES, DEFAULT_CONFIG, envVarName } from "./schema.ts";
import { FFDHE_GROUPS } from "../crypto/primitives/ffdhe.ts";

/** Asserts `fn` throws a one-line ConfigError with this key and message. */
function assertConfigError(
  fn: () => unknown,
  key: string,
  message: string | RegExp,
): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${caught}`);
  assert.equal(caught.name, "ConfigError");
  assert.equal(caught.key, key);
  assert.ok(!/[\r\n]/.test(caught.message), `not one line: ${caught.message}`);
  if (typeof message === "string") assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  return caught;
}

const file = (value: unknown) => ({
  fileText: JSON.stringify(value),
  fileName: "config.json",
});

/** The RFC 7919 A.1 ffdhe2048 prime, written out as a custom hexadecimal modulus. */
const FFDHE2048_HEX = [
  "FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1",
  "D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9",
  "7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561",
  "2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935",
  "984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735",
  "30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB",
  "B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19",
  "0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61",
  "9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73",
  "3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA",
  "886B4238 61285C97 FFFFFFFF FFFFFFFF",
].join("").replaceAll(" ", "");

/** The 1024-bit prime of RFC 2409 §6.2 (Oakley group 2): a real prime, too small for Mimi. */
const OAKLEY2_1024_HEX = [
  "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1",
  "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD",
  "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245",
  "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED",
  "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE65381",
  "FFFFFFFF FFFFFFFF",
].join("").replaceAll(" ", "");

const AEAD_EXPECTED =
  'crypto.aead: expected a non-empty list of distinct values from "aes-256-gcm", "chacha20-poly1305", "aes-128-gcm", got ';

Deno.test("resolveConfig() returns the defaults when given nothing", () => {
  const { config, rest } = resolveConfig({});
  assert.deepEqual(config, DEFAULT_CONFIG);
  assert.deepEqual(rest, []);
});

Deno.test("resolveConfig() merges a partial file deeply into the defaults", () => {
  const { config } = resolveConfig(
    file({ server: { limits: { maxConnections: 7 } }, log: {} }),
  );
  assert.deepEqual(config, {
    ...DEFAULT_CONFIG,
    server: {
      ...DEFAULT_CONFIG.server,
      limits: { ...DEFAULT_CONFIG.server.limits, maxConnections: 7 },
    },
  });
});

Deno.test("the repository's config.json equals DEFAULT_CONFIG", async () => {
  const text = await Deno.readTextFile(
    new URL("../../config.json", import.meta.url),
  );
  assert.deepEqual(JSON.parse(text), DEFAULT_CONFIG);
  assert.deepEqual(
    resolveConfig({ fileText: text, fileName: "config.json" }).config,
    DEFAULT_CONFIG,
  );
});

Deno.test("resolveConfig() lets the environment override the file", () => {
  const { config } = resolveConfig({
    ...file({ server: { tcpPort: 9000, httpPort: 9001 }, log: { level: "warn" } }),
    env: {
      MIMI_SERVER_TCP_PORT: "9100",
      MIMI_LOG_LEVEL: "debug",
      MIMI_SERVER_LIMITS_MAX_FRAME_BYTES: "2048",
      MIMI_SERVER_HOST: "::1",
    },
  });
  assert.equal(config.server.tcpPort, 9100);
  assert.equal(config.server.httpPort, 9001);
  assert.equal(config.log.level, "debug");
  assert.equal(config.server.limits.maxFrameBytes, 2048);
  assert.equal(config.server.host, "::1");
});

Deno.test("resolveConfig() lets flags override the environment, in both flag forms", () => {
  const { config } = resolveConfig({
    ...file({ client: { tcpPort: 1 } }),
    env: { MIMI_CLIENT_TCP_PORT: "2", MIMI_CLIENT_HOST: "env.example" },
    args: ["--client.tcpPort=3", "--client.host", "flag.example"],
  });
  assert.equal(config.client.tcpPort, 3);
  assert.equal(config.client.host, "flag.example");
});

Deno.test("resolveConfig() lets the last of repeated flags win", () => {
  const { config } = resolveConfig({
    args: ["--log.level=warn", "--log.level", "error"],
  });
  assert.equal(config.log.level, "error");
});

Deno.test("resolveConfig() accepts kebab-case flag segments", () => {
  const { config, rest } = resolveConfig({
    args: [
      "--server.tcp-port",
      "9000",
      "--server.limits.max-frame-bytes=4096",
      "--server.limits.connections-per-ip-per-minute",
      "5",
      "--server.data-dir=/var/lib/mimi",
    ],
  });
  assert.equal(config.server.tcpPort, 9000);
  assert.equal(config.server.limits.maxFrameBytes, 4096);
  assert.equal(config.server.limits.connectionsPerIpPerMinute, 5);
  assert.equal(config.server.dataDir, "/var/lib/mimi");
  assert.deepEqual(rest, []);
});

Deno.test("resolveConfig() returns non-config arguments unchanged and in order", () => {
  const { config, rest } = resolveConfig({
    args: [
      "echo",
      "--server.tcpPort",
      "9000",
      "你好",
      "--verbose",
      "-n",
      "3",
      "--log",
      "--name=值",
      "--log.level=debug",
      "世界 🌏",
    ],
  });
  assert.equal(config.server.tcpPort, 9000);
  assert.equal(config.log.level, "debug");
  assert.deepEqual(rest, [
    "echo",
    "你好",
    "--verbose",
    "-n",
    "3",
    "--log",
    "--name=值",
    "世界 🌏",
  ]);
});

Deno.test("resolveConfig() stops parsing flags at the first -- and drops only that one", () => {
  const { config, rest } = resolveConfig({
    args: ["--log.level=warn", "send", "--", "--log.level=debug", "--", "x"],
  });
  assert.equal(config.log.level, "warn");
  assert.deepEqual(rest, ["send", "--log.level=debug", "--", "x"]);
});

Deno.test("resolveConfig() returns a deep-frozen config", () => {
  const { config } = resolveConfig(file({ server: { tcpPort: 1 } }));
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.server));
  assert.ok(Object.isFrozen(config.server.limits));
  assert.ok(Object.isFrozen(config.crypto));
  assert.throws(() => {
    (config.server as { tcpPort: number }).tcpPort = 2;
  }, TypeError);
});

Deno.test("resolveConfig() does not mutate DEFAULT_CONFIG", () => {
  const before = JSON.stringify(DEFAULT_CONFIG);
  const { config } = resolveConfig({
    ...file({ server: { tcpPort: 1, limits: { maxConnections: 2 } } }),
    env: { MIMI_LOG_LEVEL: "error" },
    args: ["--client.host=example.org"],
  });
  assert.equal(JSON.stringify(DEFAULT_CONFIG), before);
  assert.notEqual(config.server, DEFAULT_CONFIG.server);
});

Deno.test("resolveConfig() ignores non-MIMI variables, unset ones and MIMI_CONFIG", () => {
  const { config } = resolveConfig({
    env: {
      PATH: "/bin",
      mimi_log_level: "nonsense",
      MIMI_CONFIG: "/etc/mimi.json",
      MIMI_LOG_LEVEL: undefined,
    },
  });
  assert.deepEqual(config, DEFAULT_CONFIG);
});

Deno.test("resolveConfig() validates the merged result, so an overridden bad value is harmless", () => {
  const { config } = resolveConfig({
    ...file({ server: { tcpPort: 70000 } }),
    args: ["--server.tcpPort=80"],
  });
  assert.equal(config.server.tcpPort, 80);
});

Deno.test("resolveConfig() accepts a byte order mark before the JSON", () => {
  const { config } = resolveConfig({ fileText: '\uFEFF{"log":{"level":"warn"}}' });
  assert.equal(config.log.level, "warn");
});

Deno.test("resolveConfig() accepts 0 for server ports and turns -0 into 0", () => {
  const { config } = resolveConfig({
    fileText: '{"server":{"httpPort":-0}}',
    env: { MIMI_SERVER_TCP_PORT: "-0" },
  });
  assert.ok(Object.is(config.server.tcpPort, 0));
  assert.ok(Object.is(config.server.httpPort, 0));
});

// --- errors -----------------------------------------------------------------

Deno.test("resolveConfig() names the key of an out-of-range port", () => {
  assertConfigError(
    () => resolveConfig(file({ server: { tcpPort: 70000 } })),
    "server.tcpPort",
    "server.tcpPort: expected an integer from 0 to 65535, got 70000",
  );
});

Deno.test("resolveConfig() names the key of every integer below and above its range", () => {
  for (const leaf of CONFIG_LEAVES) {
    if (leaf.type !== "integer") continue;
    for (const value of [leaf.min - 1, leaf.max + 1]) {
      assertConfigError(
        () => resolveConfig({ args: [`--${leaf.path}=${value}`] }),
        leaf.path,
        `${leaf.path}: expected an integer from ${leaf.min} to ${leaf.max}, got ${value} (from --${leaf.path})`,
      );
    }
    // Both ends are inclusive.
    for (const value of [leaf.min, leaf.max]) {
      // Keep the queue at least one frame, and the generator off the named group's, so only this leaf varies.
      const extra = leaf.path === "server.limits.maxFrameBytes"
        ? ["--server.limits.outboundQueueBytes=1073741824", "--server.limits.outboundTotalBytes=1073741824"]
        : leaf.path === "server.limits.outboundQueueBytes"
        ? ["--server.limits.maxFrameBytes=1024", "--server.limits.outboundTotalBytes=68719476736"]
        : leaf.path === "server.limits.outboundTotalBytes"
        ? ["--server.limits.outboundQueueBytes=65536", "--server.limits.maxFrameBytes=1024"]
        : leaf.path === "crypto.base"
        ? [`--crypto.modulus=${FFDHE2048_HEX}`]
        : [];
      resolveConfig({ args: [`--${leaf.path}=${value}`, ...extra] });
    }
  }
});

Deno.test("resolveConfig() names the key of a value of the wrong type for every leaf", () => {
  for (const leaf of CONFIG_LEAVES) {
    const wrong = leaf.type === "integer" ? "big" : 5;
    const segments = leaf.path.split(".");
    const tree = segments.reduceRight<unknown>(
      (inner, segment) => ({ [segment]: inner }),
      wrong,
    );
    assertConfigError(
      () => resolveConfig(file(tree)),
      leaf.path,
      new RegExp(`^${leaf.path.replaceAll(".", "\\.")}: expected .*, got ${JSON.stringify(wrong)}$`),
    );
  }
  assertConfigError(
    () => resolveConfig(file({ server: { limits: { maxFrameBytes: "big" } } })),
    "server.limits.maxFrameBytes",
    'server.limits.maxFrameBytes: expected an integer, got "big"',
  );
});

Deno.test("resolveConfig() rejects non-integer numbers, null, arrays and objects as integers", () => {
  for (
    const [value, shown] of [
      [1.5, "1.5"],
      [null, "null"],
      [[80], "an array"],
      [{ port: 80 }, "an object"],
      [true, "true"],
    ] as const
  ) {
    assertConfigError(
      () => resolveConfig(file({ client: { httpPort: value } })),
      "client.httpPort",
      `client.httpPort: expected an integer, got ${shown}`,
    );
  }
});

Deno.test("resolveConfig() rejects an empty data directory and bad hosts", () => {
  assertConfigError(
    () => resolveConfig(file({ server: { dataDir: "" } })),
    "server.dataDir",
    'server.dataDir: expected a non-empty string, got ""',
  );
  for (const host of ["", "a b", "tab\there", "x".repeat(254)]) {
    assertConfigError(
      () => resolveConfig(file({ client: { host } })),
      "client.host",
      /^client\.host: expected a hostname or IP address \(1 to 253 characters, no spaces\), got "/,
    );
  }
  const { config } = resolveConfig(file({ client: { host: "x".repeat(253) } }));
  assert.equal(config.client.host.length, 253);
});

Deno.test("resolveConfig() shortens a long bad value in the message", () => {
  const error = assertConfigError(
    () => resolveConfig(file({ log: { level: "v".repeat(500) } })),
    "log.level",
    /got "v+…"$/,
  );
  assert.ok(error.message.length < 200);
});

Deno.test("resolveConfig() names the key of a value outside an enum", () => {
  assertConfigError(
    () => resolveConfig({ env: { MIMI_LOG_LEVEL: "verbose" } }),
    "log.level",
    'log.level: expected one of "debug", "info", "warn", "error", "silent", got "verbose" (from MIMI_LOG_LEVEL)',
  );
});

Deno.test("resolveConfig() rejects an outbound queue smaller than the largest frame", () => {
  assertConfigError(
    () =>
      resolveConfig(
        file({
          server: {
            limits: { maxFrameBytes: 100000, outboundQueueBytes: 65536 },
          },
        }),
      ),
    "server.limits.outboundQueueBytes",
    "server.limits.outboundQueueBytes: must be at least server.limits.maxFrameBytes (100000), got 65536",
  );
  // Equal is enough.
  resolveConfig(
    file({ server: { limits: { maxFrameBytes: 65536, outboundQueueBytes: 65536 } } }),
  );
});

Deno.test("resolveConfig() names an unknown key at the top level", () => {
  assertConfigError(
    () => resolveConfig(file({ servers: {} })),
    "servers",
    "unknown key servers (did you mean server?)",
  );
  assertConfigError(
    () => resolveConfig(file({ extra: 1 })),
    "extra",
    "unknown key extra",
  );
});

Deno.test("resolveConfig() names an unknown nested key with its full path", () => {
  assertConfigError(
    () => resolveConfig(file({ server: { prot: 1 } })),
    "server.prot",
    "unknown key server.prot",
  );
  assertConfigError(
    () => resolveConfig(file({ server: { limits: { maxframebytes: 1 } } })),
    "server.limits.maxframebytes",
    "unknown key server.limits.maxframebytes (did you mean server.limits.maxFrameBytes?)",
  );
  assertConfigError(
    () => resolveConfig(file({ crypto: { bse: 2 } })),
    "crypto.bse",
    "unknown key crypto.bse (did you mean crypto.base?)",
  );
  assertConfigError(
    () => resolveConfig(file({ server: { tls: { cert: "a.pem" } } })),
    "server.tls.cert",
    "unknown key server.tls.cert",
  );
  // A value where a leaf is expected has no keys of its own.
  assertConfigError(
    () => resolveConfig(file({ server: { tcpPort: { value: 1 } } })),
    "server.tcpPort",
    "server.tcpPort: expected an integer, got an object",
  );
});

Deno.test("resolveConfig() does not let a dotted or odd key stand for a path", () => {
  assertConfigError(
    () => resolveConfig(file({ "server.tcpPort": 1 })),
    '"server.tcpPort"',
    'unknown key "server.tcpPort"',
  );
  assertConfigError(
    () => resolveConfig(file({ server: { "a\nb": 1 } })),
    'server."a\\nb"',
    'unknown key server."a\\nb"',
  );
});

Deno.test("resolveConfig() rejects __proto__ keys without polluting prototypes", () => {
  assertConfigError(
    () => resolveConfig({ fileText: '{"server":{"__proto__":{"polluted":1}}}' }),
    "server.__proto__",
    "unknown key server.__proto__",
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("resolveConfig() names the section when a section is not an object", () => {
  for (
    const [tree, key, shown] of [
      [{ server: 5 }, "server", "5"],
      [{ server: { limits: [] } }, "server.limits", "an array"],
      [{ log: null }, "log", "null"],
      [{ crypto: "none" }, "crypto", '"none"'],
      [{ server: { tls: false } }, "server.tls", "false"],
    ] as const
  ) {
    assertConfigError(
      () => resolveConfig(file(tree)),
      key,
      `${key}: expected an object, got ${shown}`,
    );
  }
});

Deno.test("resolveConfig() reports bad JSON with the file name, line and column", () => {
  const error = assertConfigError(
    () =>
      resolveConfig({
        fileText: '{\n  "server": {\n    "tcpPort": 1,\n  }\n}\n',
        fileName: "/etc/mimi/config.json",
      }),
    "(file)",
    "/etc/mimi/config.json:3:17: invalid JSON: trailing comma",
  );
  assert.ok(error.cause instanceof SyntaxError);
  assertConfigError(
    () => resolveConfig({ fileText: '{"log": {"level": "info"}', fileName: "c.json" }),
    "(file)",
    'c.json:1:26: invalid JSON: unexpected end of input, expected "," or "}"',
  );
  assertConfigError(
    () => resolveConfig({ fileText: "" }),
    "(file)",
    "config file:1:1: invalid JSON: unexpected end of input, expected a value",
  );
});

Deno.test("resolveConfig() rejects JSON whose top level is not an object", () => {
  for (
    const [text, shown] of [
      ["[]", "an array"],
      ["null", "null"],
      ["8111", "8111"],
      ['"config"', '"config"'],
    ]
  ) {
    assertConfigError(
      () => resolveConfig({ fileText: text, fileName: "config.json" }),
      "(file)",
      `config.json: expected a JSON object at the top level, got ${shown}`,
    );
  }
});

Deno.test("resolveConfig() names an unknown MIMI_ environment variable", () => {
  assertConfigError(
    () => resolveConfig({ env: { MIMI_SERVR_TCP_PORT: "80" } }),
    "MIMI_SERVR_TCP_PORT",
    "unknown environment variable MIMI_SERVR_TCP_PORT (did you mean MIMI_SERVER_TCP_PORT?)",
  );
  assertConfigError(
    () => resolveConfig({ env: { MIMI_FOO: "1" } }),
    "MIMI_FOO",
    "unknown environment variable MIMI_FOO",
  );
});

Deno.test("resolveConfig() accepts only plain decimal integers from the environment", () => {
  for (const text of [" 80", "80 ", "8e1", "0x50", "+80", "80.0", "", "1_000"]) {
    assertConfigError(
      () => resolveConfig({ env: { MIMI_SERVER_TCP_PORT: text } }),
      "server.tcpPort",
      `server.tcpPort: expected an integer, got ${JSON.stringify(text)} (from MIMI_SERVER_TCP_PORT)`,
    );
  }
  const { config } = resolveConfig({ env: { MIMI_SERVER_TCP_PORT: "080" } });
  assert.equal(config.server.tcpPort, 80);
});

Deno.test("resolveConfig() reads every leaf from its environment variable", () => {
  for (const leaf of CONFIG_LEAVES) {
    const text = leaf.path === "server.limits.maxFrameBytes"
      ? "65536"
      : leaf.path === "crypto.modulus"
      ? "ffdhe4096"
      : leaf.type === "integer"
      ? String(leaf.max)
      : leaf.type === "enum"
      ? leaf.values[0]
      : leaf.type === "list"
      ? [...leaf.values].reverse().join(",")
      : leaf.type === "boolean"
      ? "true"
      : leaf.type === "origins"
      ? "https://chat.example.org,http://10.0.0.5:8080"
      : "example.org";
    // The largest generator is only valid for a custom modulus; a TLS file needs its partner.
    const extra: Record<string, string> = leaf.path === "crypto.base"
      ? { MIMI_CRYPTO_MODULUS: FFDHE2048_HEX }
      : leaf.path === "server.limits.outboundQueueBytes"
      ? { MIMI_SERVER_LIMITS_OUTBOUND_TOTAL_BYTES: "68719476736" }
      : leaf.path === "server.tls.certFile"
      ? { MIMI_SERVER_TLS_KEY_FILE: "key.pem" }
      : leaf.path === "server.tls.keyFile"
      ? { MIMI_SERVER_TLS_CERT_FILE: "cert.pem" }
      : {};
    const { config } = resolveConfig({ env: { [envVarName(leaf.path)]: text, ...extra } });
    const actual = leaf.path.split(".").reduce<unknown>(
      (node, segment) => (node as Record<string, unknown>)[segment],
      config,
    );
    // String() joins a list with commas, as the variable writes it.
    assert.equal(String(actual), text, leaf.path);
    if (leaf.type === "list" || leaf.type === "origins") assert.ok(Array.isArray(actual), leaf.path);
    if (leaf.type === "boolean") assert.equal(actual, true, leaf.path);
  }
});

Deno.test("resolveConfig() takes server.allowedOrigins as exact origins, empty from an empty variable", () => {
  const { config } = resolveConfig({ env: { MIMI_SERVER_ALLOWED_ORIGINS: "" } });
  assert.deepEqual(config.server.allowedOrigins, []);
  const file = resolveConfig({ fileText: '{"server":{"allowedOrigins":["https://chat.example.org"]}}' });
  assert.deepEqual(file.config.server.allowedOrigins, ["https://chat.example.org"]);
  for (const bad of ["https://chat.example.org/", "ftp://example.org", "https://Example.org", "example.org", ""]) {
    assertConfigError(
      () => resolveConfig({ fileText: JSON.stringify({ server: { allowedOrigins: [bad] } }) }),
      "server.allowedOrigins",
      /^server\.allowedOrigins: expected a list, possibly empty, of distinct origins/,
    );
  }
});

Deno.test("resolveConfig() names the key of an unknown flag under a config section", () => {
  assertConfigError(
    () => resolveConfig({ args: ["--server.xyz=1"] }),
    "server.xyz",
    "unknown key server.xyz (from --server.xyz)",
  );
  assertConfigError(
    () => resolveConfig({ args: ["--crypto.cipher", "x"] }),
    "crypto.cipher",
    "unknown key crypto.cipher (from --crypto.cipher)",
  );
  assertConfigError(
    () => resolveConfig({ args: ["--server.tls=on"] }),
    "server.tls",
    "unknown key server.tls (from --server.tls)",
  );
  assertConfigError(
    () => resolveConfig({ args: ["--server.limits=1"] }),
    "server.limits",
    "unknown key server.limits (from --server.limits)",
  );
});

Deno.test("resolveConfig() names the key of a config flag without a value", () => {
  assertConfigError(
    () => resolveConfig({ args: ["echo", "--server.tcp-port"] }),
    "server.tcpPort",
    "server.tcpPort: missing value for flag --server.tcp-port",
  );
  assertConfigError(
    () => resolveConfig({ args: ["--log.level", "--server.tcpPort=1"] }),
    "log.level",
    "log.level: missing value for flag --log.level",
  );
  assertConfigError(
    () => resolveConfig({ args: ["--log.level", "--", "debug"] }),
    "log.level",
    "log.level: missing value for flag --log.level",
  );
  assertConfigError(
    () => resolveConfig({ args: ["--server.tcpPort="] }),
    "server.tcpPort",
    'server.tcpPort: expected an integer, got "" (from --server.tcpPort)',
  );
});

Deno.test("resolveConfig() takes a negative number after a flag as its value", () => {
  assertConfigError(
    () => resolveConfig({ args: ["--server.tcpPort", "-1"] }),
    "server.tcpPort",
    "server.tcpPort: expected an integer from 0 to 65535, got -1 (from --server.tcpPort)",
  );
});

// --- list leaves ------------------------------------------------------------

Deno.test("resolveConfig() reads lists from the file in the order written", () => {
  const { config } = resolveConfig(
    file({ crypto: { aead: ["chacha20-poly1305"], kex: ["p256", "x25519"], sig: ["ecdsa-p256", "ed25519"] } }),
  );
  assert.deepEqual(config.crypto.aead, ["chacha20-poly1305"]);
  assert.deepEqual(config.crypto.kex, ["p256", "x25519"]);
  assert.deepEqual(config.crypto.sig, ["ecdsa-p256", "ed25519"]);
  assert.deepEqual(config.crypto.hash, DEFAULT_CONFIG.crypto.hash);
  assert.ok(Object.isFrozen(config.crypto.aead));
});

Deno.test("resolveConfig() splits a list variable at commas and trims each item", () => {
  const { config } = resolveConfig({ env: { MIMI_CRYPTO_AEAD: "chacha20-poly1305, aes-256-gcm" } });
  assert.deepEqual(config.crypto.aead, ["chacha20-poly1305", "aes-256-gcm"]);
  const spaced = resolveConfig({ env: { MIMI_CRYPTO_HASH: "  sha384 ,sha256  " } });
  assert.deepEqual(spaced.config.crypto.hash, ["sha384", "sha256"]);
});

Deno.test("resolveConfig() splits a list flag at commas and trims each item, in both flag forms", () => {
  const { config, rest } = resolveConfig({
    args: ["--crypto.aead=chacha20-poly1305, aes-128-gcm", "--crypto.kex", "x25519 ,ffdhe", "serve"],
  });
  assert.deepEqual(config.crypto.aead, ["chacha20-poly1305", "aes-128-gcm"]);
  assert.deepEqual(config.crypto.kex, ["x25519", "ffdhe"]);
  assert.deepEqual(rest, ["serve"]);
});

Deno.test("resolveConfig() replaces a list from a lower layer instead of merging it", () => {
  const { config } = resolveConfig({
    ...file({ crypto: { aead: ["aes-256-gcm", "aes-128-gcm"] } }),
    env: { MIMI_CRYPTO_AEAD: "chacha20-poly1305" },
  });
  assert.deepEqual(config.crypto.aead, ["chacha20-poly1305"]);
  const flagged = resolveConfig({
    env: { MIMI_CRYPTO_AEAD: "chacha20-poly1305" },
    args: ["--crypto.aead=aes-128-gcm"],
  });
  assert.deepEqual(flagged.config.crypto.aead, ["aes-128-gcm"]);
});

Deno.test("resolveConfig() rejects an empty list, naming the key", () => {
  assertConfigError(
    () => resolveConfig(file({ crypto: { aead: [] } })),
    "crypto.aead",
    AEAD_EXPECTED + "an empty list",
  );
  assertConfigError(
    () => resolveConfig({ env: { MIMI_CRYPTO_AEAD: "" } }),
    "crypto.aead",
    AEAD_EXPECTED + '"" in the list (from MIMI_CRYPTO_AEAD)',
  );
  assertConfigError(
    () => resolveConfig({ args: ["--crypto.aead=aes-256-gcm,"] }),
    "crypto.aead",
    AEAD_EXPECTED + '"" in the list (from --crypto.aead)',
  );
});

Deno.test("resolveConfig() rejects a duplicate list entry, naming the key and the entry", () => {
  assertConfigError(
    () => resolveConfig(file({ crypto: { aead: ["aes-256-gcm", "aes-128-gcm", "aes-256-gcm"] } })),
    "crypto.aead",
    AEAD_EXPECTED + '"aes-256-gcm" more than once',
  );
  // Trimming happens first, so spacing does not make two entries distinct.
  assertConfigError(
    () => resolveConfig({ env: { MIMI_CRYPTO_AEAD: "aes-128-gcm, aes-128-gcm" } }),
    "crypto.aead",
    AEAD_EXPECTED + '"aes-128-gcm" more than once (from MIMI_CRYPTO_AEAD)',
  );
});

Deno.test("resolveConfig() rejects an unknown algorithm in a list, naming the key and the algorithm", () => {
  assertConfigError(
    () => resolveConfig(file({ crypto: { aead: ["aes-256-gcm", "rc4"] } })),
    "crypto.aead",
    AEAD_EXPECTED + '"rc4" in the list',
  );
  // Names are exact: no case folding, and an algorithm of another category does not count.
  for (const name of ["AES-256-GCM", "x25519", "aes256gcm"]) {
    assertConfigError(
      () => resolveConfig({ args: [`--crypto.aead=${name}`] }),
      "crypto.aead",
      AEAD_EXPECTED + `${JSON.stringify(name)} in the list (from --crypto.aead)`,
    );
  }
  assertConfigError(
    () => resolveConfig(file({ crypto: { aead: ["aes-256-gcm", 5] } })),
    "crypto.aead",
    AEAD_EXPECTED + "5 in the list",
  );
});

Deno.test("resolveConfig() rejects a list leaf in the file that is not an array, naming the key", () => {
  for (
    const [value, shown] of [
      ["aes-256-gcm", '"aes-256-gcm"'],
      ["aes-256-gcm,chacha20-poly1305", '"aes-256-gcm,chacha20-poly1305"'],
      [{ 0: "aes-256-gcm" }, "an object"],
      [null, "null"],
      [true, "true"],
    ] as const
  ) {
    assertConfigError(() => resolveConfig(file({ crypto: { aead: value } })), "crypto.aead", AEAD_EXPECTED + shown);
  }
});

// --- boolean leaves ---------------------------------------------------------

Deno.test("resolveConfig() reads a boolean leaf as true or false from the file", () => {
  assert.equal(resolveConfig(file({ client: { tls: true } })).config.client.tls, true);
  assert.equal(resolveConfig(file({ client: { tls: false } })).config.client.tls, false);
});

Deno.test("resolveConfig() reads true and false from the environment and flags", () => {
  assert.equal(resolveConfig({ env: { MIMI_CLIENT_TLS: "true" } }).config.client.tls, true);
  assert.equal(
    resolveConfig({ ...file({ client: { tls: true } }), env: { MIMI_CLIENT_TLS: "false" } }).config.client.tls,
    false,
  );
  assert.equal(resolveConfig({ args: ["--client.tls=true"] }).config.client.tls, true);
  assert.equal(resolveConfig({ args: ["--client.tls", "false"] }).config.client.tls, false);
});

Deno.test("resolveConfig() rejects yes, 1 and other non-booleans, naming the key", () => {
  assertConfigError(
    () => resolveConfig({ env: { MIMI_CLIENT_TLS: "yes" } }),
    "client.tls",
    'client.tls: expected true or false, got "yes" (from MIMI_CLIENT_TLS)',
  );
  for (const text of ["1", "TRUE", "on", ""]) {
    assertConfigError(
      () => resolveConfig({ args: [`--client.tls=${text}`] }),
      "client.tls",
      `client.tls: expected true or false, got ${JSON.stringify(text)} (from --client.tls)`,
    );
  }
  for (const [value, shown] of [[1, "1"], ["yes", '"yes"'], ["true", '"true"'], [null, "null"]] as const) {
    assertConfigError(
      () => resolveConfig(file({ client: { tls: value } })),
      "client.tls",
      `client.tls: expected true or false, got ${shown}`,
    );
  }
});

Deno.test("resolveConfig() takes the argument after a bare boolean flag as its value", () => {
  assertConfigError(
    () => resolveConfig({ args: ["--client.tls", "connect"] }),
    "client.tls",
    'client.tls: expected true or false, got "connect" (from --client.tls)',
  );
  assertConfigError(
    () => resolveConfig({ args: ["--client.tls"] }),
    "client.tls",
    "client.tls: missing value for flag --client.tls",
  );
});

// --- strings that may be empty ----------------------------------------------

Deno.test("resolveConfig() accepts an empty string where allowed, from file, env and flags", () => {
  const { config } = resolveConfig({
    ...file({ server: { tls: { certFile: "/etc/mimi/cert.pem", keyFile: "/etc/mimi/key.pem" } } }),
    env: { MIMI_SERVER_TLS_CERT_FILE: "" },
    args: ["--server.tls.key-file="],
  });
  assert.equal(config.server.tls.certFile, "");
  assert.equal(config.server.tls.keyFile, "");
  assert.equal(resolveConfig(file({ server: { tls: { certFile: "" } } })).config.server.tls.certFile, "");
  assert.equal(resolveConfig({ env: { MIMI_CLIENT_CA_FILE: "" } }).config.client.caFile, "");
});

Deno.test("resolveConfig() reads TLS file paths and the known-servers file as written", () => {
  const { config } = resolveConfig({
    ...file({ server: { tls: { certFile: "cert.pem", keyFile: "key.pem" } } }),
    env: { MIMI_CLIENT_KNOWN_SERVERS_FILE: "/tmp/known", MIMI_CLIENT_CA_FILE: "ca.pem" },
  });
  assert.deepEqual(config.server.tls, { certFile: "cert.pem", keyFile: "key.pem" });
  assert.equal(config.client.knownServersFile, "/tmp/known");
  assert.equal(config.client.caFile, "ca.pem");
});

Deno.test("resolveConfig() rejects an empty string where not allowed, naming the key", () => {
  assertConfigError(
    () => resolveConfig(file({ client: { knownServersFile: "" } })),
    "client.knownServersFile",
    'client.knownServersFile: expected a non-empty string, got ""',
  );
  assertConfigError(
    () => resolveConfig({ env: { MIMI_CLIENT_KNOWN_SERVERS_FILE: "" } }),
    "client.knownServersFile",
    'client.knownServersFile: expected a non-empty string, got "" (from MIMI_CLIENT_KNOWN_SERVERS_FILE)',
  );
  assertConfigError(
    () => resolveConfig({ args: ["--crypto.modulus="] }),
    "crypto.modulus",
    'crypto.modulus: expected a non-empty string, got "" (from --crypto.modulus)',
  );
  assertConfigError(
    () => resolveConfig(file({ server: { tls: { certFile: null } } })),
    "server.tls.certFile",
    "server.tls.certFile: expected a string, got null",
  );
});

// --- crypto.modulus ---------------------------------------------------------

Deno.test("resolveConfig() accepts each RFC 7919 group by name with generator 2", () => {
  for (const modulus of ["ffdhe2048", "ffdhe3072", "ffdhe4096"]) {
    const { config } = resolveConfig({ env: { MIMI_CRYPTO_MODULUS: modulus, MIMI_CRYPTO_BASE: "2" } });
    assert.equal(config.crypto.modulus, modulus);
  }
});

Deno.test("resolveConfig() rejects a named group with another generator, naming the key", () => {
  assertConfigError(
    () => resolveConfig(file({ crypto: { modulus: "ffdhe3072", base: 5 } })),
    "crypto.modulus",
    "crypto.modulus: ffdhe3072 has generator 2, not 5",
  );
  // The default modulus is ffdhe3072, so changing only the generator is caught too.
  assertConfigError(
    () => resolveConfig({ args: ["--crypto.base=3"] }),
    "crypto.modulus",
    "crypto.modulus: ffdhe3072 has generator 2, not 3",
  );
});

Deno.test("resolveConfig() rejects a modulus that is neither a group name nor hexadecimal", () => {
  for (const modulus of ["ffdhe1024", "FFDHE3072", "0x", "12 34", "0xG1", "modp2048"]) {
    assertConfigError(
      () => resolveConfig(file({ crypto: { modulus } })),
      "crypto.modulus",
      `crypto.modulus: expected ffdhe2048, ffdhe3072, ffdhe4096 or a hexadecimal prime, got ${JSON.stringify(modulus)}`,
    );
  }
  // Names inherited from Object.prototype are not groups either.
  for (const modulus of ["toString", "constructor", "__proto__"]) {
    assertConfigError(() => resolveConfig(file({ crypto: { modulus } })), "crypto.modulus", /^crypto\.modulus: /);
  }
});

Deno.test("resolveConfig() rejects a 1024-bit hexadecimal prime as too small, naming the key", () => {
  assertConfigError(
    () => resolveConfig(file({ crypto: { modulus: OAKLEY2_1024_HEX } })),
    "crypto.modulus",
    "crypto.modulus: FFDHE group of 1024 bits is too small: at least 2048 are required",
  );
  assertConfigError(
    () => resolveConfig({ env: { MIMI_CRYPTO_MODULUS: "0x" + OAKLEY2_1024_HEX.toLowerCase() } }),
    "crypto.modulus",
    "crypto.modulus: FFDHE group of 1024 bits is too small: at least 2048 are required",
  );
});

Deno.test("resolveConfig() rejects an even or oversized hexadecimal modulus", () => {
  assertConfigError(
    () => resolveConfig(file({ crypto: { modulus: FFDHE2048_HEX.slice(0, -1) + "E" } })),
    "crypto.modulus",
    "crypto.modulus: FFDHE group modulus must be odd",
  );
  assertConfigError(
    () => resolveConfig(file({ crypto: { modulus: "F".repeat(2049) } })),
    "crypto.modulus",
    "crypto.modulus: FFDHE group of 8196 bits is too large: at most 8192 are supported",
  );
});

Deno.test("resolveConfig() accepts a 2048-bit hexadecimal prime, with or without 0x, in any case", () => {
  assert.equal(BigInt("0x" + FFDHE2048_HEX), FFDHE_GROUPS.ffdhe2048.p);
  for (const modulus of [FFDHE2048_HEX, "0x" + FFDHE2048_HEX, FFDHE2048_HEX.toLowerCase()]) {
    const { config } = resolveConfig(file({ crypto: { modulus } }));
    assert.equal(config.crypto.modulus, modulus);
  }
  // A custom group takes any generator in range.
  const { config } = resolveConfig({ env: { MIMI_CRYPTO_MODULUS: FFDHE2048_HEX, MIMI_CRYPTO_BASE: "5" } });
  assert.equal(config.crypto.base, 5);
});

// --- findConfigPath ---------------------------------------------------------

Deno.test("findConfigPath() takes --config PATH and --config=PATH out of the arguments", () => {
  assert.deepEqual(findConfigPath(["serve", "--config", "a.json", "-v"], {}), {
    path: "a.json",
    explicit: true,
    args: ["serve", "-v"],
  });
  assert.deepEqual(findConfigPath(["--config=b.json", "echo", "你好"], {}), {
    path: "b.json",
    explicit: true,
    args: ["echo", "你好"],
  });
});

Deno.test("findConfigPath() prefers --config to MIMI_CONFIG and falls back to it", () => {
  const env = { MIMI_CONFIG: "env.json" };
  assert.equal(findConfigPath(["--config=flag.json"], env).path, "flag.json");
  assert.deepEqual(findConfigPath(["echo"], env), {
    path: "env.json",
    explicit: true,
    args: ["echo"],
  });
});

Deno.test("findConfigPath() returns no path when neither --config nor MIMI_CONFIG is set", () => {
  assert.deepEqual(findConfigPath(["echo", "hi"], { MIMI_CONFIG: undefined }), {
    path: undefined,
    explicit: false,
    args: ["echo", "hi"],
  });
});

Deno.test("findConfigPath() leaves arguments after -- alone", () => {
  assert.deepEqual(findConfigPath(["a", "--", "--config", "x.json"], {}), {
    path: undefined,
    explicit: false,
    args: ["a", "--", "--config", "x.json"],
  });
  const { args } = findConfigPath(["--config", "c.json", "--", "--log.level=x"], {});
  assert.deepEqual(resolveConfig({ args }).rest, ["--log.level=x"]);
});

Deno.test("findConfigPath() rejects --config without a path and an empty MIMI_CONFIG", () => {
  for (const args of [["--config"], ["--config="], ["--config", "--log.level=x"]]) {
    assertConfigError(
      () => findConfigPath(args, {}),
      "--config",
      "--config: missing file path",
    );
  }
  assertConfigError(
    () => findConfigPath([], { MIMI_CONFIG: "" }),
    "MIMI_CONFIG",
    'MIMI_CONFIG: expected a file path, got ""',
  );
});

Deno.test("resolveConfig() refuses a TLS certificate without its key, naming server.tls.keyFile", () => {
  assertConfigError(
    () => resolveConfig({ args: ["--server.tls.certFile=cert.pem"] }),
    "server.tls.keyFile",
    "server.tls.keyFile: set both server.tls.certFile and server.tls.keyFile, or neither",
  );
});

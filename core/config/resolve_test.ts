// Tests for resolveConfig() and findConfigPath(): layering, flags, and errors that name the key.

import assert from "node:assert/strict";
import { ConfigError, findConfigPath, resolveConfig } from "./resolve.ts";
import { CONFIG_LEAVES, DEFAULT_CONFIG, envVarName } from "./schema.ts";

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
      // Keep the queue at least one frame so only this leaf varies.
      const extra = leaf.path === "server.limits.maxFrameBytes"
        ? ["--server.limits.outboundQueueBytes=1073741824"]
        : leaf.path === "server.limits.outboundQueueBytes"
        ? ["--server.limits.maxFrameBytes=1024"]
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
    () => resolveConfig(file({ crypto: { base: "x" } })),
    "crypto.base",
    "unknown key crypto.base",
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
    const text = leaf.type === "integer"
      ? String(leaf.path === "server.limits.maxFrameBytes" ? 65536 : leaf.max)
      : leaf.type === "enum"
      ? leaf.values[0]
      : "example.org";
    const { config } = resolveConfig({ env: { [envVarName(leaf.path)]: text } });
    const actual = leaf.path.split(".").reduce<unknown>(
      (node, segment) => (node as Record<string, unknown>)[segment],
      config,
    );
    assert.equal(String(actual), text, leaf.path);
  }
});

Deno.test("resolveConfig() names the key of an unknown flag under a config section", () => {
  assertConfigError(
    () => resolveConfig({ args: ["--server.xyz=1"] }),
    "server.xyz",
    "unknown key server.xyz (from --server.xyz)",
  );
  assertConfigError(
    () => resolveConfig({ args: ["--crypto.base", "x"] }),
    "crypto.base",
    "unknown key crypto.base (from --crypto.base)",
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

// The shape of Mimi's configuration, its defaults, and the one table of leaves that validation, env names, flags and docs derive from.

import { deepFreeze } from "./_freeze.ts";

/** Log levels from most to least verbose; `silent` turns logging off. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

/** One of {@linkcode LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** Resource limits the server enforces per connection and overall. */
export interface ServerLimits {
  /** Largest frame accepted or sent, in bytes. */
  readonly maxFrameBytes: number;
  /** Simultaneous connections across all transports. */
  readonly maxConnections: number;
  /** New connections accepted from one IP address per minute. */
  readonly connectionsPerIpPerMinute: number;
  /** Bytes queued for a slow reader before the server drops the connection. */
  readonly outboundQueueBytes: number;
}

/** Where and how the server listens. */
export interface ServerConfig {
  readonly host: string;
  readonly tcpPort: number;
  readonly httpPort: number;
  readonly dataDir: string;
  readonly limits: ServerLimits;
}

/** Where a client connects to. */
export interface ClientConfig {
  readonly host: string;
  readonly tcpPort: number;
  readonly httpPort: number;
}

/** Logging settings. */
export interface LogConfig {
  readonly level: LogLevel;
}

/**
 * Reserved for cipher-suite settings; no keys yet. Turn this into an interface
 * and add one row to {@linkcode CONFIG_LEAVES} per key when they arrive.
 */
export type CryptoConfig = Readonly<Record<never, never>>;

/** The whole configuration shared by server and clients. */
export interface MimiConfig {
  readonly server: ServerConfig;
  readonly client: ClientConfig;
  readonly log: LogConfig;
  readonly crypto: CryptoConfig;
}

/** Dotted paths to the scalar leaves of `T`, e.g. `"server.limits.maxFrameBytes"`. */
type LeafPaths<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends object ? LeafPaths<T[K], `${Prefix}${K}.`>
    : `${Prefix}${K}`;
}[keyof T & string];

/** The dotted path of every leaf of {@linkcode MimiConfig}. */
export type ConfigPath = LeafPaths<MimiConfig>;

/** The defaults, identical to the repository's `config.json`; deep-frozen. */
export const DEFAULT_CONFIG: MimiConfig = deepFreeze({
  server: {
    host: "127.0.0.1",
    tcpPort: 8111,
    httpPort: 8080,
    dataDir: "data",
    limits: {
      maxFrameBytes: 1048576,
      maxConnections: 1024,
      connectionsPerIpPerMinute: 120,
      outboundQueueBytes: 8388608,
    },
  },
  client: { host: "127.0.0.1", tcpPort: 8111, httpPort: 8080 },
  log: { level: "info" },
  crypto: {},
});

/** Fields every leaf description has. */
interface LeafBase {
  /** Dotted path from the root, e.g. `"server.tcpPort"`. */
  readonly path: ConfigPath;
  /** One line for the generated docs, sentence case, no final period. */
  readonly description: string;
}

/** An integer in `[min, max]`. */
export interface IntegerLeaf extends LeafBase {
  readonly type: "integer";
  readonly min: number;
  readonly max: number;
}

/** A non-empty string. */
export interface StringLeaf extends LeafBase {
  readonly type: "string";
}

/** A hostname or IP literal: 1 to 253 characters, no whitespace or control characters. */
export interface HostLeaf extends LeafBase {
  readonly type: "host";
}

/** One string out of a fixed list. */
export interface EnumLeaf extends LeafBase {
  readonly type: "enum";
  readonly values: readonly string[];
}

/** The description of one configuration leaf. */
export type LeafSpec = IntegerLeaf | StringLeaf | HostLeaf | EnumLeaf;

/**
 * Every leaf of {@linkcode MimiConfig}, in documentation order. Validation,
 * environment variable names, flag names and `describeConfig()` all read this
 * table; a new setting is one row here plus its field and default.
 */
export const CONFIG_LEAVES: readonly LeafSpec[] = deepFreeze([
  {
    path: "server.host",
    type: "host",
    description: "Address the server listens on",
  },
  {
    path: "server.tcpPort",
    type: "integer",
    min: 0,
    max: 65535,
    description: "TCP port for native clients; 0 picks a free port",
  },
  {
    path: "server.httpPort",
    type: "integer",
    min: 0,
    max: 65535,
    description: "HTTP and WebSocket port; 0 picks a free port",
  },
  {
    path: "server.dataDir",
    type: "string",
    description: "Directory for the database and other server state",
  },
  {
    path: "server.limits.maxFrameBytes",
    type: "integer",
    min: 1024,
    max: 67108864,
    description: "Largest frame accepted or sent, in bytes",
  },
  {
    path: "server.limits.maxConnections",
    type: "integer",
    min: 1,
    max: 100000,
    description: "Simultaneous connections across all transports",
  },
  {
    path: "server.limits.connectionsPerIpPerMinute",
    type: "integer",
    min: 1,
    max: 1000000,
    description: "New connections accepted from one IP address per minute",
  },
  {
    path: "server.limits.outboundQueueBytes",
    type: "integer",
    min: 65536,
    max: 1073741824,
    description: "Bytes queued for a slow reader before it is dropped; at least `server.limits.maxFrameBytes`",
  },
  {
    path: "client.host",
    type: "host",
    description: "Server address clients connect to",
  },
  {
    path: "client.tcpPort",
    type: "integer",
    min: 1,
    max: 65535,
    description: "Server TCP port clients connect to",
  },
  {
    path: "client.httpPort",
    type: "integer",
    min: 1,
    max: 65535,
    description: "Server HTTP port clients connect to",
  },
  {
    path: "log.level",
    type: "enum",
    values: LOG_LEVELS,
    description: "Least severe level that is logged",
  },
]);

/** A rule spanning several leaves; `check` returns a problem or `undefined`. */
export interface CrossCheck {
  /** The leaf the error is reported against. */
  readonly path: ConfigPath;
  /** Returns what is wrong, without the key prefix, or `undefined` if fine. */
  readonly check: (config: MimiConfig) => string | undefined;
}

/** Rules checked after every leaf is valid on its own. */
export const CROSS_CHECKS: readonly CrossCheck[] = deepFreeze([
  {
    path: "server.limits.outboundQueueBytes",
    check: ({ server: { limits } }: MimiConfig) =>
      // A queue smaller than one frame could never hold a maximal frame.
      limits.outboundQueueBytes < limits.maxFrameBytes
        ? `must be at least server.limits.maxFrameBytes (${limits.maxFrameBytes}), got ${limits.outboundQueueBytes}`
        : undefined,
  },
]);

/**
 * The environment variable for a leaf: `MIMI_` and the path in UPPER_SNAKE.
 *
 * @param path A dotted leaf path.
 * @returns The variable name.
 *
 * @example
 * ```ts
 * import { envVarName } from "./schema.ts";
 * envVarName("server.limits.maxFrameBytes"); // "MIMI_SERVER_LIMITS_MAX_FRAME_BYTES"
 * ```
 */
export function envVarName(path: string): string {
  return "MIMI_" +
    path.split(".").map((segment) => segment.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()).join("_");
}

/**
 * The command-line flag for a leaf: `--` and the dotted path. The same path
 * with kebab-case segments (`--server.tcp-port`) is accepted too.
 *
 * @param path A dotted leaf path.
 * @returns The flag, without a value.
 *
 * @example
 * ```ts
 * import { flagName } from "./schema.ts";
 * flagName("server.tcpPort"); // "--server.tcpPort"
 * ```
 */
export function flagName(path: string): string {
  return "--" + path;
}

/**
 * Reads the value at a dotted path of a configuration.
 *
 * @param config The configuration to read.
 * @param path A dotted leaf path.
 * @returns The leaf's value.
 *
 * @example
 * ```ts
 * import { DEFAULT_CONFIG, getLeaf } from "./schema.ts";
 * getLeaf(DEFAULT_CONFIG, "server.tcpPort"); // 8111
 * ```
 */
export function getLeaf(config: MimiConfig, path: ConfigPath): string | number {
  let node: unknown = config;
  for (const segment of path.split(".")) {
    node = (node as Record<string, unknown>)[segment];
  }
  return node as string | number;
}

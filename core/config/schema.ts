// The shape of Mimi's configuration, its defaults, and the one table of leaves that validation, env names, flags and docs derive from.

import { deepFreeze } from "./_freeze.ts";
import { ALGORITHMS } from "../crypto/suites.ts";
import { type CryptoConfig, groupFromConfig } from "../crypto/settings.ts";

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
  /** Bytes queued for all readers together; past it, the connections with the most queued are dropped. */
  readonly outboundTotalBytes: number;
  /** Simultaneous connections from one IP address (IPv6: one /64). */
  readonly maxConnectionsPerIp: number;
  /** Connections that have not completed the handshake, in total. */
  readonly maxHandshakes: number;
  /** Connections that have not completed the handshake, from one IP address. */
  readonly maxHandshakesPerIp: number;
  /** Handshake work one IP address may cause per minute, in units of one x25519 handshake. */
  readonly handshakeUnitsPerIpPerMinute: number;
  /** An HTTP connection whose request headers have not all arrived by then is closed. */
  readonly headersTimeoutMs: number;
  /** An HTTP keep-alive connection with no request for this long is closed. */
  readonly httpIdleTimeoutMs: number;
  /** A secured connection that has not logged in by then is closed. */
  readonly loginTimeoutMs: number;
  /** After this long without a frame from the client the server pings it; after twice as long it closes. */
  readonly keepAliveMs: number;
  /** Accounts created from one IP address per hour. */
  readonly registrationsPerIpPerHour: number;
  /** Accounts created per hour in total. */
  readonly registrationsPerHour: number;
  /** Longest text message, in characters (code points). */
  readonly messageTextChars: number;
  /** Largest image a message may carry, in bytes. */
  readonly imageBytes: number;
  /** Most pixels (width times height) of an image a message may carry. */
  readonly imagePixels: number;
  /** Largest thumbnail a message's image may carry, in bytes. */
  readonly thumbnailBytes: number;
  /** Uploads one user may have in progress at once. */
  readonly openUploads: number;
}

/** Who may create an account: anyone, holders of an invite code (`mimi invite`), or nobody. */
export const REGISTRATION_MODES = ["open", "invite", "closed"] as const;

/**
 * Which key sends a message in the terminal client: `enter` (Ctrl+J or Alt+Enter makes a new line), or `ctrl-j`
 * (Enter makes a new line, Ctrl+J sends). Ctrl+J rather than Shift+Enter: terminals send Shift+Enter as plain Enter.
 */
export const SEND_KEYS = ["enter", "ctrl-j"] as const;

/** One of {@linkcode SEND_KEYS}. */
export type SendKey = (typeof SEND_KEYS)[number];

/** One of {@linkcode REGISTRATION_MODES}. */
export type RegistrationMode = typeof REGISTRATION_MODES[number];

/** Optional TLS around both listeners; empty paths leave it off. */
export interface ServerTls {
  /** PEM certificate chain file. */
  readonly certFile: string;
  /** PEM private key file. */
  readonly keyFile: string;
}

/** Where and how the server listens. */
export interface ServerConfig {
  readonly host: string;
  readonly tcpPort: number;
  readonly httpPort: number;
  readonly dataDir: string;
  readonly limits: ServerLimits;
  readonly tls: ServerTls;
  /** A user whose connection dropped without logout shows as offline after this long. */
  readonly presenceGraceMs: number;
  /** How long after sending a message its sender may recall it. */
  readonly recallWindowMs: number;
  /** Who may create an account. */
  readonly registration: RegistrationMode;
  /** Origins besides the server's own whose pages may open the WebSocket, e.g. `https://chat.example.org`. */
  readonly allowedOrigins: readonly string[];
  /** An upload that receives no chunk for this long is abandoned and removed. */
  readonly uploadTtlMs: number;
  /** The lobby's online count is pushed at most once per this long (PROTOCOL.md §13.4). */
  readonly lobbyCountIntervalMs: number;
}

/** Where a client connects to, and how it recognises the server. */
export interface ClientConfig {
  readonly host: string;
  readonly tcpPort: number;
  readonly httpPort: number;
  /** Pinned server fingerprints (trust on first use); `~` is the home directory. */
  readonly knownServersFile: string;
  /** Remembered devices' keys of the terminal client (mode 0600); `~` is the home directory. */
  readonly deviceKeysFile: string;
  /** The terminal client's messages not answered yet, sent again at the next login (mode 0600); `~` is home. */
  readonly outboxFile: string;
  /** Wrap the TCP connection in TLS (the server must have `server.tls`). */
  readonly tls: boolean;
  /** PEM file of extra certificate authorities for TLS; empty uses the system's. */
  readonly caFile: string;
  /** Where the terminal client saves received images; `~` is the home directory. */
  readonly downloadsDir: string;
  /** Which key sends in the terminal client's compose area (one of {@linkcode SEND_KEYS}); the other makes a new line. */
  readonly sendKey: SendKey;
}

/** Logging settings. */
export interface LogConfig {
  readonly level: LogLevel;
}

// Defined beside the code that reads it, so core/crypto need not import core/config (the layer above it).
export type { CryptoConfig } from "../crypto/settings.ts";

/** The whole configuration shared by server and clients. */
export interface MimiConfig {
  readonly server: ServerConfig;
  readonly client: ClientConfig;
  readonly log: LogConfig;
  readonly crypto: CryptoConfig;
}

/** Dotted paths to the scalar leaves of `T`, e.g. `"server.limits.maxFrameBytes"`. */
type LeafPaths<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends readonly unknown[] ? `${Prefix}${K}`
    : T[K] extends object ? LeafPaths<T[K], `${Prefix}${K}.`>
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
      outboundTotalBytes: 268435456,
      maxConnectionsPerIp: 64,
      maxHandshakes: 256,
      maxHandshakesPerIp: 16,
      handshakeUnitsPerIpPerMinute: 240,
      headersTimeoutMs: 10000,
      httpIdleTimeoutMs: 5000,
      loginTimeoutMs: 60000,
      keepAliveMs: 30000,
      registrationsPerIpPerHour: 60,
      registrationsPerHour: 600,
      messageTextChars: 4000,
      imageBytes: 10485760,
      imagePixels: 40000000,
      thumbnailBytes: 65536,
      openUploads: 4,
    },
    tls: { certFile: "", keyFile: "" },
    presenceGraceMs: 20000,
    recallWindowMs: 120000,
    registration: "open",
    allowedOrigins: [],
    uploadTtlMs: 86400000,
    lobbyCountIntervalMs: 5000,
  },
  client: {
    host: "127.0.0.1",
    tcpPort: 8111,
    httpPort: 8080,
    knownServersFile: "~/.mimi/known_servers",
    deviceKeysFile: "~/.mimi/device_keys",
    outboxFile: "~/.mimi/outbox",
    tls: false,
    caFile: "",
    downloadsDir: "~/Downloads/mimi",
    sendKey: "enter",
  },
  log: { level: "info" },
  crypto: {
    // ffdhe costs the server several times what it costs a client (PROTOCOL.md §8.1): off unless configured.
    kex: ALGORITHMS.kex.filter((kex) => kex !== "ffdhe"),
    aead: [...ALGORITHMS.aead],
    hash: [...ALGORITHMS.hash],
    sig: [...ALGORITHMS.sig],
    modulus: "ffdhe3072",
    base: 2,
    handshakeTimeoutMs: 10000,
    rekeyAfterRecords: 1048576,
    rekeyAfterBytes: 1073741824,
    padding: 32,
  },
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

/** A string; non-empty unless `allowEmpty`. */
export interface StringLeaf extends LeafBase {
  readonly type: "string";
  /** An empty string is allowed and means "off" or "none". */
  readonly allowEmpty?: boolean;
}

/** `true` or `false`. */
export interface BooleanLeaf extends LeafBase {
  readonly type: "boolean";
}

/** A non-empty list of distinct strings out of a fixed set, in preference order. */
export interface ListLeaf extends LeafBase {
  readonly type: "list";
  readonly values: readonly string[];
}

/** A hostname or IP literal: 1 to 253 characters, no whitespace or control characters. */
export interface HostLeaf extends LeafBase {
  readonly type: "host";
}

/** A list, possibly empty, of distinct web origins such as `https://chat.example.org` (scheme, host, optional port). */
export interface OriginsLeaf extends LeafBase {
  readonly type: "origins";
}

/** One string out of a fixed list. */
export interface EnumLeaf extends LeafBase {
  readonly type: "enum";
  readonly values: readonly string[];
}

/** The description of one configuration leaf. */
export type LeafSpec = IntegerLeaf | StringLeaf | HostLeaf | EnumLeaf | BooleanLeaf | ListLeaf | OriginsLeaf;

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
    path: "server.limits.outboundTotalBytes",
    type: "integer",
    min: 1048576,
    max: 68719476736,
    description:
      "Bytes queued for all readers together; past it, a connection with more than 64 KiB queued is dropped when more is queued for it",
  },
  {
    path: "server.limits.maxConnectionsPerIp",
    type: "integer",
    min: 1,
    max: 100000,
    description: "Simultaneous connections from one IP address (IPv6: one /64), over both ports",
  },
  {
    path: "server.limits.maxHandshakes",
    type: "integer",
    min: 1,
    max: 100000,
    description: "Connections that have not completed the key exchange yet, in total",
  },
  {
    path: "server.limits.maxHandshakesPerIp",
    type: "integer",
    min: 1,
    max: 100000,
    description: "Connections that have not completed the key exchange yet, from one IP address",
  },
  {
    path: "server.limits.handshakeUnitsPerIpPerMinute",
    type: "integer",
    min: 1,
    max: 1000000,
    description:
      "Key-exchange work one IP address may cause per minute, in units of one x25519 handshake (PROTOCOL.md §8.1 lists each cost)",
  },
  {
    path: "server.limits.headersTimeoutMs",
    type: "integer",
    min: 100,
    max: 600000,
    description: "An HTTP connection whose request headers have not all arrived by then is closed",
  },
  {
    path: "server.limits.httpIdleTimeoutMs",
    type: "integer",
    min: 100,
    max: 600000,
    description: "An HTTP keep-alive connection with no new request for this long is closed",
  },
  {
    path: "server.limits.loginTimeoutMs",
    type: "integer",
    min: 1000,
    max: 86400000,
    description: "A connection that completed the key exchange but has not logged in by then is closed",
  },
  {
    path: "server.limits.keepAliveMs",
    type: "integer",
    min: 1000,
    max: 3600000,
    description:
      "After this long without a frame from a client the server sends it a ping; after twice as long it closes the connection",
  },
  {
    path: "server.limits.registrationsPerIpPerHour",
    type: "integer",
    min: 1,
    max: 1000000,
    description: "Accounts created from one IP address (IPv6: one /64) per hour",
  },
  {
    path: "server.limits.registrationsPerHour",
    type: "integer",
    min: 1,
    max: 1000000,
    description: "Accounts created per hour in total",
  },
  {
    path: "server.limits.messageTextChars",
    type: "integer",
    min: 1,
    max: 1000000,
    description: "Longest text message, in characters (code points); longer ones are refused with `too_large`",
  },
  {
    path: "server.limits.imageBytes",
    type: "integer",
    min: 1024,
    max: 1073741824,
    description: "Largest image a user may upload, in bytes",
  },
  {
    path: "server.limits.imagePixels",
    type: "integer",
    min: 1,
    max: 1000000000,
    description: "Most pixels (width × height) an uploaded image may have",
  },
  {
    path: "server.limits.thumbnailBytes",
    type: "integer",
    min: 0,
    max: 1048576,
    description: "Largest thumbnail the sending client may attach to an image, in bytes",
  },
  {
    path: "server.limits.openUploads",
    type: "integer",
    min: 1,
    max: 1000,
    description:
      "Uploads one user may have in progress at once; another `upload_start` is refused with `too_many_uploads`",
  },
  {
    path: "server.uploadTtlMs",
    type: "integer",
    min: 60000,
    max: 2592000000,
    description: "An upload that receives nothing for this many milliseconds is abandoned and removed",
  },
  {
    path: "server.lobbyCountIntervalMs",
    type: "integer",
    min: 100,
    max: 600000,
    description: "The lobby's online count is pushed to those watching it at most once per this many milliseconds",
  },
  {
    path: "server.tls.certFile",
    type: "string",
    allowEmpty: true,
    description: "PEM certificate chain; with `keyFile`, serves HTTPS/WSS and TLS on TCP. Empty: off",
  },
  {
    path: "server.tls.keyFile",
    type: "string",
    allowEmpty: true,
    description: "PEM private key of `certFile`. Empty: off",
  },
  {
    path: "server.presenceGraceMs",
    type: "integer",
    min: 0,
    max: 600000,
    description: "A user whose connection dropped without logout is shown offline after this many milliseconds",
  },
  {
    path: "server.recallWindowMs",
    type: "integer",
    min: 0,
    max: 86400000,
    description: "How long after sending a message, in milliseconds, its sender may still recall it",
  },
  {
    path: "server.registration",
    type: "enum",
    values: REGISTRATION_MODES,
    description: "Who may create an account: anyone, holders of a code from `mimi invite`, or nobody",
  },
  {
    path: "server.allowedOrigins",
    type: "origins",
    description:
      "Web origins besides the server's own whose pages may open its WebSocket, e.g. `https://chat.example.org`",
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
    path: "client.knownServersFile",
    type: "string",
    description: "Pinned server fingerprints of the terminal client; `~` is the home directory",
  },
  {
    path: "client.deviceKeysFile",
    type: "string",
    description:
      "Keys of the terminal client's remembered devices (`login --remember`), kept with mode 0600; `~` is the home directory",
  },
  {
    path: "client.outboxFile",
    type: "string",
    description:
      "Messages of the terminal client not answered yet, sent again at the next login, kept with mode 0600; `~` is the home directory",
  },
  {
    path: "client.tls",
    type: "boolean",
    description: "Wrap the terminal client's TCP connection in TLS",
  },
  {
    path: "client.caFile",
    type: "string",
    allowEmpty: true,
    description: "Extra PEM certificate authorities for TLS. Empty: the system's",
  },
  {
    path: "client.downloadsDir",
    type: "string",
    description:
      "Where the terminal client saves received images (`save-image` and the interactive mode); `~` is the home directory",
  },
  {
    path: "client.sendKey",
    type: "enum",
    values: SEND_KEYS,
    description:
      "Key that sends in the terminal client's chat: `enter` (Ctrl+J makes a new line) or `ctrl-j` (the reverse)",
  },
  {
    path: "log.level",
    type: "enum",
    values: LOG_LEVELS,
    description: "Least severe level that is logged",
  },
  {
    path: "crypto.kex",
    type: "list",
    values: ALGORITHMS.kex,
    description: "Key exchanges, most preferred first",
  },
  {
    path: "crypto.aead",
    type: "list",
    values: ALGORITHMS.aead,
    description: "Record ciphers (AEAD), most preferred first",
  },
  {
    path: "crypto.hash",
    type: "list",
    values: ALGORITHMS.hash,
    description: "Hashes for the transcript and HKDF, most preferred first",
  },
  {
    path: "crypto.sig",
    type: "list",
    values: ALGORITHMS.sig,
    description: "Server signature schemes, most preferred first",
  },
  {
    path: "crypto.modulus",
    type: "string",
    description:
      "Finite-field DH prime: `ffdhe2048`, `ffdhe3072`, `ffdhe4096` (RFC 7919) or hexadecimal, 2048 bits or more",
  },
  {
    path: "crypto.base",
    type: "integer",
    min: 2,
    max: 2147483647,
    description: "Finite-field DH generator",
  },
  {
    path: "crypto.handshakeTimeoutMs",
    type: "integer",
    min: 100,
    max: 600000,
    description: "A connection that has not completed the handshake by then is closed",
  },
  {
    path: "crypto.rekeyAfterRecords",
    type: "integer",
    min: 1,
    max: 4294967296,
    description: "Records sent under one key before a key update",
  },
  {
    path: "crypto.rekeyAfterBytes",
    type: "integer",
    min: 1,
    max: 1099511627776,
    description: "Plaintext bytes sent under one key before a key update",
  },
  {
    path: "crypto.padding",
    type: "integer",
    min: 0,
    max: 4096,
    description: "Pad record contents to a multiple of this many bytes to hide exact lengths; 0 is off",
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
    path: "server.tls.keyFile",
    check: ({ server: { tls } }: MimiConfig) =>
      (tls.certFile === "") !== (tls.keyFile === "")
        ? "set both server.tls.certFile and server.tls.keyFile, or neither"
        : undefined,
  },
  {
    path: "crypto.modulus",
    check: ({ crypto }: MimiConfig) => {
      try {
        groupFromConfig(crypto.modulus, crypto.base);
        return undefined;
      } catch (error) {
        // The group's own check says what is wrong (too small, not hexadecimal); that is the message.
        if (error instanceof RangeError) return error.message;
        throw error;
      }
    },
  },
  {
    path: "server.limits.outboundQueueBytes",
    check: ({ server: { limits } }: MimiConfig) =>
      // A queue smaller than one frame could never hold a maximal frame.
      limits.outboundQueueBytes < limits.maxFrameBytes
        ? `must be at least server.limits.maxFrameBytes (${limits.maxFrameBytes}), got ${limits.outboundQueueBytes}`
        : undefined,
  },
  {
    path: "server.limits.outboundTotalBytes",
    check: ({ server: { limits } }: MimiConfig) =>
      limits.outboundTotalBytes < limits.outboundQueueBytes
        ? `must be at least server.limits.outboundQueueBytes (${limits.outboundQueueBytes}), got ${limits.outboundTotalBytes}`
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
export function getLeaf(config: MimiConfig, path: ConfigPath): string | number | boolean | readonly string[] {
  let node: unknown = config;
  for (const segment of path.split(".")) {
    node = (node as Record<string, unknown>)[segment];
  }
  return node as string | number | boolean | readonly string[];
}

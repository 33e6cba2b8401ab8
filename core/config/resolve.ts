// Layers defaults, a JSON file, MIMI_* environment variables and --flags into one validated MimiConfig.

import { deepFreeze } from "./_freeze.ts";
import { locateJsonError } from "./_json_error.ts";
import { checkLeaf, fromText, showValue } from "./_leaf.ts";
import { closest } from "./_suggest.ts";
import { CONFIG_LEAVES, CROSS_CHECKS, DEFAULT_CONFIG, envVarName, type LeafSpec, type MimiConfig } from "./schema.ts";

/**
 * A configuration problem. `key` is the dotted config key at fault (e.g.
 * `server.tcpPort`), the environment variable or flag for problems that have
 * no key, or `(file)` when the file itself cannot be read as JSON.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** The key, variable or `(file)` the message starts with or names. */
  readonly key: string;

  /**
   * @param key The key at fault.
   * @param message One line naming the key.
   * @param options Standard error options, e.g. the `cause`.
   */
  constructor(key: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.key = key;
  }
}

/** What `resolveConfig` reads; every field is optional. */
export interface ConfigInput {
  /** Contents of the config file, if one was read. */
  readonly fileText?: string;
  /** Name of that file, for error messages. */
  readonly fileName?: string;
  /** Environment variables, e.g. `Deno.env.toObject()`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Command-line arguments after `findConfigPath` removed `--config`. */
  readonly args?: readonly string[];
}

/** The resolved configuration and the arguments that were not config flags. */
export interface ResolvedConfig {
  /** The validated, deep-frozen configuration. */
  readonly config: MimiConfig;
  /** Arguments that are not config flags, in their original order. */
  readonly rest: string[];
}

/** Where `findConfigPath` found the config file. */
export interface ConfigPathResult {
  /** The path from `--config` or `MIMI_CONFIG`, or `undefined` if neither is set. */
  readonly path: string | undefined;
  /** True when the user named the file, so a missing file is an error. */
  readonly explicit: boolean;
  /** The arguments without `--config` and its value. */
  readonly args: string[];
}

/** Key of errors about the file as a whole. */
const FILE_KEY = "(file)";

/** Variable holding the config path; read by `findConfigPath`, not a leaf. */
const CONFIG_PATH_VAR = "MIMI_CONFIG";

const LEAF_BY_PATH: ReadonlyMap<string, LeafSpec> = new Map(
  CONFIG_LEAVES.map((leaf) => [leaf.path, leaf]),
);
const LEAF_BY_ENV: ReadonlyMap<string, LeafSpec> = new Map(
  CONFIG_LEAVES.map((leaf) => [envVarName(leaf.path), leaf]),
);

/** Paths of nested objects (`server`, `server.limits`, `crypto`, …), from the defaults. */
const SECTIONS: ReadonlySet<string> = new Set(sectionPaths(DEFAULT_CONFIG, ""));

/** Top-level sections; a flag starting with one of these is a config flag. */
const TOP_SECTIONS: ReadonlySet<string> = new Set(Object.keys(DEFAULT_CONFIG));

/** A leaf value from one layer, with where it came from for error messages. */
interface Entry {
  readonly value: unknown;
  /** The variable or flag that set it; `undefined` for the file. */
  readonly source?: string;
}

/**
 * Resolves the configuration from, in increasing precedence: `DEFAULT_CONFIG`,
 * the JSON file (partial objects are merged deeply), `MIMI_*` environment
 * variables and `--section.key=value` flags. The merged result is validated.
 *
 * @param input The file text, environment and arguments; all optional.
 * @returns The deep-frozen configuration and the non-config arguments.
 * @throws {ConfigError} On invalid JSON, an unknown key or variable, a value
 * of the wrong type or out of range, or a flag without a value.
 *
 * @example
 * ```ts
 * import { resolveConfig } from "./resolve.ts";
 * const { config, rest } = resolveConfig({
 *   fileText: '{ "server": { "tcpPort": 9000 } }',
 *   env: { MIMI_LOG_LEVEL: "debug" },
 *   args: ["echo", "--server.limits.max-frame-bytes", "4096", "你好"],
 * });
 * config.server.tcpPort; // 9000
 * config.log.level; // "debug"
 * config.server.limits.maxFrameBytes; // 4096
 * rest; // ["echo", "你好"]
 * ```
 */
export function resolveConfig(input: ConfigInput): ResolvedConfig {
  const entries = new Map<string, Entry>();
  if (input.fileText !== undefined) {
    readFile(input.fileText, input.fileName ?? "config file", entries);
  }
  readEnv(input.env ?? {}, entries);
  const rest = readArgs(input.args ?? [], entries);

  for (const leaf of CONFIG_LEAVES) {
    const entry = entries.get(leaf.path);
    if (entry === undefined) continue;
    const problem = checkLeaf(leaf, entry.value);
    if (problem !== undefined) {
      const from = entry.source === undefined ? "" : ` (from ${entry.source})`;
      throw new ConfigError(leaf.path, `${leaf.path}: ${problem}${from}`);
    }
  }

  const tree = structuredClone(DEFAULT_CONFIG) as unknown as Record<
    string,
    unknown
  >;
  for (const [path, { value }] of entries) {
    const segments = path.split(".");
    const last = segments.pop()!;
    let node = tree;
    for (const segment of segments) {
      node = node[segment] as Record<string, unknown>;
    }
    // "-0" parses to -0 from JSON and env alike; store it as the 0 it means.
    node[last] = Object.is(value, -0) ? 0 : value;
  }
  const config = tree as unknown as MimiConfig;

  for (const { path, check } of CROSS_CHECKS) {
    const problem = check(config);
    if (problem !== undefined) {
      throw new ConfigError(path, `${path}: ${problem}`);
    }
  }
  return { config: deepFreeze(config), rest };
}

/**
 * Takes `--config PATH` or `--config=PATH` out of `args`, falling back to the
 * `MIMI_CONFIG` variable. Arguments after `--` are left alone. When neither is
 * given the caller uses `./config.json` if it exists, else the defaults.
 *
 * @param args Command-line arguments.
 * @param env Environment variables.
 * @returns The path (the last `--config` wins), whether it was named
 * explicitly, and the remaining arguments in order.
 * @throws {ConfigError} If `--config` has no value or `MIMI_CONFIG` is empty.
 *
 * @example
 * ```ts
 * import { findConfigPath } from "./resolve.ts";
 * findConfigPath(["--config", "/etc/mimi.json", "serve"], {});
 * // { path: "/etc/mimi.json", explicit: true, args: ["serve"] }
 * ```
 */
export function findConfigPath(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ConfigPathResult {
  let path: string | undefined;
  const remaining: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      // Keep the "--" so that resolveConfig also stops parsing flags there.
      remaining.push(...args.slice(i));
      break;
    }
    let value: string | undefined;
    if (arg === "--config") {
      value = takeValue(args, i);
      if (value !== undefined) i++;
    } else if (arg.startsWith("--config=")) {
      value = arg.slice("--config=".length);
    } else {
      remaining.push(arg);
      continue;
    }
    if (value === undefined || value === "") {
      throw new ConfigError("--config", "--config: missing file path");
    }
    path = value;
  }
  if (path !== undefined) return { path, explicit: true, args: remaining };

  const fromEnv = Object.hasOwn(env, CONFIG_PATH_VAR) ? env[CONFIG_PATH_VAR] : undefined;
  if (fromEnv === "") {
    throw new ConfigError(
      CONFIG_PATH_VAR,
      `${CONFIG_PATH_VAR}: expected a file path, got ""`,
    );
  }
  return {
    path: fromEnv,
    explicit: fromEnv !== undefined,
    args: remaining,
  };
}

/** Parses the file and records its leaves; checks structure and unknown keys. */
function readFile(
  fileText: string,
  fileName: string,
  entries: Map<string, Entry>,
): void {
  // Editors on Windows may save a byte order mark, which JSON.parse rejects.
  const text = fileText.startsWith("\uFEFF") ? fileText.slice(1) : fileText;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    const where = locateJsonError(text);
    const message = where === undefined
      ? `${fileName}: invalid JSON: ${firstLine(cause)}`
      : `${fileName}:${where.line}:${where.column}: invalid JSON: ${where.reason}`;
    throw new ConfigError(FILE_KEY, message, { cause });
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigError(
      FILE_KEY,
      `${fileName}: expected a JSON object at the top level, got ${showValue(parsed)}`,
    );
  }
  walk(parsed, [], entries);
}

/** Records the leaves under `node`, rejecting unknown keys and non-object sections. */
function walk(
  node: Record<string, unknown>,
  prefix: readonly string[],
  entries: Map<string, Entry>,
): void {
  for (const [key, value] of Object.entries(node)) {
    const segments = [...prefix, key];
    const path = displayPath(segments);
    if (SECTIONS.has(path)) {
      if (!isPlainObject(value)) {
        throw new ConfigError(
          path,
          `${path}: expected an object, got ${showValue(value)}`,
        );
      }
      walk(value, segments, entries);
    } else if (LEAF_BY_PATH.has(path)) {
      entries.set(path, { value });
    } else {
      throw unknownKey(segments);
    }
  }
}

/** Records `MIMI_*` variables; any that match no leaf are typos. */
function readEnv(
  env: Readonly<Record<string, string | undefined>>,
  entries: Map<string, Entry>,
): void {
  for (const [name, text] of Object.entries(env)) {
    if (
      !name.startsWith("MIMI_") || name === CONFIG_PATH_VAR ||
      text === undefined
    ) continue;
    const leaf = LEAF_BY_ENV.get(name);
    if (leaf === undefined) {
      const hint = closest(name, LEAF_BY_ENV.keys());
      throw new ConfigError(
        name,
        `unknown environment variable ${name}` +
          (hint === undefined ? "" : ` (did you mean ${hint}?)`),
      );
    }
    entries.set(leaf.path, { value: fromText(leaf, text), source: name });
  }
}

/** Records config flags and returns every other argument in order. */
function readArgs(
  args: readonly string[],
  entries: Map<string, Entry>,
): string[] {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      rest.push(...args.slice(i + 1));
      break;
    }
    const equals = arg.indexOf("=");
    const flag = equals < 0 ? arg : arg.slice(0, equals);
    const segments = flag.startsWith("--") ? flag.slice(2).split(".").map(camelCase) : [];
    // Only dotted flags under a config section are ours; the rest belong to subcommands.
    if (segments.length < 2 || !TOP_SECTIONS.has(segments[0])) {
      rest.push(arg);
      continue;
    }
    const path = displayPath(segments);
    const leaf = LEAF_BY_PATH.get(path);
    if (leaf === undefined) throw unknownKey(segments, flag);
    let text: string | undefined;
    if (equals >= 0) {
      text = arg.slice(equals + 1);
    } else {
      text = takeValue(args, i);
      if (text !== undefined) i++;
    }
    if (text === undefined) {
      throw new ConfigError(path, `${path}: missing value for flag ${flag}`);
    }
    entries.set(path, { value: fromText(leaf, text), source: flag });
  }
  return rest;
}

/** The argument after `args[i]` if it can be a value, i.e. is not itself a flag. */
function takeValue(args: readonly string[], i: number): string | undefined {
  const next = args[i + 1];
  return next === undefined || next.startsWith("--") ? undefined : next;
}

function unknownKey(segments: readonly string[], flag?: string): ConfigError {
  const path = displayPath(segments);
  const parent = displayPath(segments.slice(0, -1));
  const siblings = [...LEAF_BY_PATH.keys(), ...SECTIONS].filter((known) =>
    known.slice(0, Math.max(0, known.lastIndexOf("."))) === parent
  );
  const hint = closest(
    segments.at(-1)!,
    siblings.map((known) => known.slice(known.lastIndexOf(".") + 1)),
  );
  const suggestion = hint === undefined ? "" : ` (did you mean ${parent === "" ? hint : `${parent}.${hint}`}?)`;
  return new ConfigError(
    path,
    `unknown key ${path}` + (flag === undefined ? "" : ` (from ${flag})`) +
      suggestion,
  );
}

/**
 * Joins key segments with dots, quoting any segment that is not a plain
 * identifier so that `{"server.tcpPort": 1}` or a key holding a newline can
 * neither match a real path nor break the one-line message.
 */
function displayPath(segments: readonly string[]): string {
  return segments.map((segment) => /^[A-Za-z_$][\w$]*$/.test(segment) ? segment : JSON.stringify(segment)).join(".");
}

/** `tcp-port` → `tcpPort`; camelCase segments pass through. */
function camelCase(segment: string): string {
  return segment.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function sectionPaths(node: object, prefix: string): string[] {
  return Object.entries(node).flatMap(([key, value]) => {
    if (!isPlainObject(value)) return [];
    const path = prefix + key;
    return [path, ...sectionPaths(value, path + ".")];
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0];
}

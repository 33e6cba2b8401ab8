// Enforces Mimi's rooms (STYLE.md): which folder may import which, which npm packages core/ may use, no import circles.

/** One source file: its path from the repository root (with `/`) and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** One import found in a file: the specifier as written and the 1-based line it starts on. */
export interface ImportSite {
  specifier: string;
  line: number;
}

/**
 * One room: files under `folder` (a path prefix; `core/` alone matches only files directly in core/, see
 * {@linkcode roomOf}) may import their own room and the targets in `allow`. A target is a repository path prefix
 * (`core/codec/`), `npm:<package>` for one npm package, `external` for any npm/node/jsr/URL specifier, or `*` for
 * anything.
 */
export interface Room {
  folder: string;
  allow: readonly string[];
  /** Why the room may import what it may, when the table alone does not say. */
  note?: string;
}

/** An arrow the rules forbid but that is allowed for now, with the reason and the work that will remove it. */
export interface Exception {
  from: string;
  to: string;
  reason: string;
}

// The npm packages core/ uses today; a new one in core/ is a decision to take on purpose, not by an import line.
const NOBLE = ["npm:@noble/ciphers", "npm:@noble/curves", "npm:@noble/hashes", "npm:@noble/post-quantum"];
const OPAQUE = "npm:@serenity-kit/opaque";
const VALIBOT = "npm:valibot";

/**
 * STYLE.md's rooms table plus issue 8's design additions, as data. The most specific folder wins, so
 * `core/crypto/` rules `core/crypto/primitives/` too. Test files (`*_test.ts`, `tests/`, `bench/`) are not listed:
 * they may import anything.
 */
export const ROOMS: readonly Room[] = [
  { folder: "core/time/", allow: [] },
  { folder: "core/bytes/", allow: [] },
  { folder: "core/codec/", allow: ["core/bytes/"] },
  { folder: "core/transport/", allow: ["core/codec/", "core/bytes/", "core/time/"] },
  { folder: "core/crypto/", allow: ["core/codec/", "core/bytes/", "core/transport/", "core/time/", ...NOBLE] },
  { folder: "core/protocol/", allow: ["core/codec/", "core/bytes/", VALIBOT] },
  {
    folder: "core/config/",
    allow: ["core/crypto/", "core/codec/", "core/bytes/", "core/time/"],
    note: "config names the crypto suites and checks the group, so it sits above core/crypto",
  },
  { folder: "core/client/", allow: ["core/", ...NOBLE, OPAQUE, VALIBOT] },
  // Files directly in core/ (version.ts): a leaf anyone may import.
  { folder: "core/", allow: [] },
  { folder: "server/", allow: ["core/", "external"] },
  {
    folder: "routes/",
    allow: ["server/", "core/", "islands/", "external"],
    note: "routes render the islands' server-side HTML, so they import islands/ too",
  },
  { folder: "islands/", allow: ["core/", "external"] },
  { folder: "cli/", allow: ["core/", "external"] },
  { folder: "scripts/", allow: ["*"], note: "build and check tooling" },
  { folder: "main.ts", allow: ["*"], note: "the entry point wires every room together" },
];

/** The SDK's public face: islands/ and cli/ may reach core/client/ only through it. */
export const CLIENT_FACE = "core/client/mod.ts";
const CLIENT_ROOM = "core/client/";
const FACE_BOUND = ["islands/", "cli/"];

/**
 * Deep imports into core/client/ allowed for now, each with its reason and the work that will remove it. Empty since
 * the web and terminal clients stand on the SDK (issue 8 item 10); keep it so: a screen that needs more of the SDK
 * gets it exported from core/client/mod.ts.
 */
export const TEMPORARY: readonly Exception[] = [];

/** Options for {@linkcode checkLayers}; the defaults are the real rules. */
export interface CheckOptions {
  rooms?: readonly Room[];
  exceptions?: readonly Exception[];
  /** Maps bare specifiers to npm ones, as deno.json's `imports` does. */
  importMap?: Readonly<Record<string, string>>;
}

/** True for files that may import anything: tests, their helpers' folders and benchmarks. */
export function isTestFile(path: string): boolean {
  return /_test\.tsx?$/.test(path) || path.startsWith("tests/") || path.startsWith("bench/");
}

/**
 * The room a file belongs to: the longest folder that contains it. `core/` alone holds only files directly in core/,
 * so a new core/ folder must be given its own row before it may import anything.
 */
export function roomOf(path: string, rooms: readonly Room[] = ROOMS): Room | undefined {
  let best: Room | undefined;
  for (const room of rooms) {
    const inside = room.folder.endsWith("/")
      ? path.startsWith(room.folder) && (room.folder !== "core/" || !path.slice(5).includes("/"))
      : path === room.folder;
    if (inside && (!best || room.folder.length > best.folder.length)) best = room;
  }
  return best;
}

/**
 * Finds the imports of a TypeScript file: static `import`/`export … from`, side-effect `import "x"`, and `import("x")`
 * with a literal. Comments and template literals are blanked first, so a JSDoc example is not an import.
 *
 * @param text The file's text.
 * @returns Each import's specifier and the line its statement starts on.
 */
export function findImports(text: string): ImportSite[] {
  const code = blankCommentsAndTemplates(text);
  const sites: ImportSite[] = [];
  const patterns = [
    // A statement start, then import/export, an import clause (names, braces, `*`, `as`, `type`) and `from "x"`.
    /(?<=^|[;{}])[ \t\r\n]*\b((?:import|export)\b[\w\s{},*$]*?\bfrom\s*(["'])([^"'\n]+)\2)/g,
    /(?<=^|[;{}])[ \t\r\n]*\b(import\s*(["'])([^"'\n]+)\2)/g,
    /\b(import\s*\(\s*(["'])([^"'\n]+)\2\s*[,)])/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const start = match.index + match[0].indexOf(match[1]);
      sites.push({ specifier: match[3], line: lineAt(code, start) });
    }
  }
  return sites.sort((a, b) => a.line - b.line);
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Replaces comments and template-literal bodies with spaces, keeping newlines so lines still count true. */
function blankCommentsAndTemplates(text: string): string {
  const out = text.split("");
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  let i = 0;
  let previous = ""; // last significant code character, to tell a regex literal from a division
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      const end = text.indexOf("\n", i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      i = skipQuoted(text, i, c);
      previous = c;
    } else if (c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== "`") j += text[j] === "\\" ? 2 : 1;
      blank(i, j + 1);
      i = j + 1;
      previous = "`";
    } else if (c === "/" && (previous === "" || "(,=:[!&|?{};+-*%<>~^".includes(previous))) {
      // A regex literal: skip it whole so a quote or slash pair inside it is not read as a string or comment.
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== "\n") {
        if (text[j] === "\\") j++;
        else if (text[j] === "[") inClass = true;
        else if (text[j] === "]") inClass = false;
        else if (text[j] === "/" && !inClass) break;
        j++;
      }
      i = j + 1;
      previous = "/";
    } else {
      if (!/\s/.test(c)) previous = c;
      i++;
    }
  }
  return out.join("");
}

function skipQuoted(text: string, start: number, quote: string): number {
  let j = start + 1;
  while (j < text.length && text[j] !== quote && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
  return j + 1;
}

/** Where an import points: a repository path (resolved, may not exist), or an external package. */
type Target = { kind: "path"; path: string } | { kind: "external"; name: string };

function resolveTarget(from: string, specifier: string, importMap: Readonly<Record<string, string>>): Target {
  if (specifier.startsWith("./") || specifier.startsWith("../")) {
    const parts = from.split("/").slice(0, -1);
    for (const part of specifier.split("/")) {
      if (part === "..") parts.pop();
      else if (part !== ".") parts.push(part);
    }
    return { kind: "path", path: parts.join("/") };
  }
  let spec = specifier;
  // Longest import-map key first, as Deno matches them ("preact/" before "preact").
  const key = Object.keys(importMap).sort((a, b) => b.length - a.length)
    .find((k) => k.endsWith("/") ? spec.startsWith(k) : spec === k || spec.startsWith(k + "/"));
  if (key) spec = importMap[key] + spec.slice(key.length);
  if (spec.startsWith("npm:")) {
    const bare = spec.slice(4).replace(/^\//, "");
    const segments = bare.split("/");
    const name = bare.startsWith("@") ? segments.slice(0, 2).join("/") : segments[0];
    return { kind: "external", name: "npm:" + name.replace(/(.)@[^/]*$/, "$1") };
  }
  return { kind: "external", name: spec };
}

function allows(allow: readonly string[], target: Target): boolean {
  return allow.some((entry) => {
    if (entry === "*") return true;
    if (target.kind === "external") return entry === "external" || entry === target.name;
    return !entry.startsWith("npm:") && entry !== "external" && target.path.startsWith(entry);
  });
}

function describeAllowed(room: Room): string {
  const list = [room.folder, ...room.allow];
  return list.join(", ") + (room.note ? ` (${room.note})` : "");
}

/**
 * Checks a set of files against the rooms: every import must stay in its room or go to one it may import, islands/
 * and cli/ reach core/client/ only through its mod.ts, and no files import each other in a circle.
 *
 * @param files The files, with paths from the repository root.
 * @param options Rooms, exceptions and import map; the defaults are the real rules.
 * @returns One line per problem, empty when all is well.
 *
 * @example A forbidden arrow
 * ```ts
 * import { checkLayers } from "./check_layers.ts";
 *
 * const problems = checkLayers([{ path: "core/codec/a.ts", text: 'import "../../server/log.ts";' }]);
 * if (problems.length !== 1) throw new Error("core/codec must not import server/");
 * ```
 */
export function checkLayers(files: readonly SourceFile[], options: CheckOptions = {}): string[] {
  const rooms = options.rooms ?? ROOMS;
  const exceptions = options.exceptions ?? TEMPORARY;
  const importMap = options.importMap ?? {};
  const problems: string[] = [];
  const known = new Set(files.map((f) => f.path));
  const edges = new Map<string, { to: string; line: number }[]>();

  for (const file of files) {
    const out: { to: string; line: number }[] = [];
    edges.set(file.path, out);
    const test = isTestFile(file.path);
    const room = roomOf(file.path, rooms);
    for (const site of findImports(file.text)) {
      const target = resolveTarget(file.path, site.specifier, importMap);
      if (target.kind === "path" && known.has(target.path)) out.push({ to: target.path, line: site.line });
      if (test) continue;
      const where = `${file.path}:${site.line} imports ${site.specifier}`;
      if (!room) {
        problems.push(`${where}: ${file.path} is in no room; give its folder a row in ROOMS`);
        continue;
      }
      const own = target.kind === "path" && roomOf(target.path, rooms) === room;
      if (!own && !allows(room.allow, target)) {
        problems.push(`${where}: ${room.folder} may import only ${describeAllowed(room)}`);
        continue;
      }
      if (
        target.kind === "path" && FACE_BOUND.some((f) => file.path.startsWith(f)) &&
        target.path.startsWith(CLIENT_ROOM) && target.path !== CLIENT_FACE &&
        !exceptions.some((e) => e.from === file.path && e.to === target.path)
      ) {
        problems.push(`${where}: ${room.folder} may import core/client/ only through ${CLIENT_FACE}`);
      }
    }
  }
  for (const cycle of findCycles(edges)) problems.push(`import circle: ${cycle.join(" -> ")}`);
  return problems;
}

/**
 * One circle per strongly connected component of the import graph (Tarjan), each written as a closed path
 * `a.ts:3 -> b.ts:7 -> a.ts`, naming the line of each arrow.
 */
function findCycles(edges: Map<string, { to: string; line: number }[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;

  // Iterative, so a deep import chain cannot overflow the call stack.
  for (const root of [...edges.keys()].sort()) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const out = edges.get(frame.node) ?? [];
      if (frame.next < out.length) {
        const to = out[frame.next++].to;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = (edges.get(frame.node) ?? []).some((e) => e.to === frame.node);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((component) => cycleWithin(new Set(component), edges));
}

/** A shortest closed path through the first (sorted) member of a strongly connected component, by breadth-first search. */
function cycleWithin(members: Set<string>, edges: Map<string, { to: string; line: number }[]>): string[] {
  const start = [...members].sort()[0];
  const cameFrom = new Map<string, { from: string; line: number }>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const edge of edges.get(node) ?? []) {
      if (!members.has(edge.to)) continue;
      if (edge.to === start) {
        const path = [`${start}`];
        let at = node;
        let line = edge.line;
        const reversed: string[] = [];
        while (at !== start) {
          reversed.push(`${at}:${line}`);
          const step = cameFrom.get(at)!;
          line = step.line;
          at = step.from;
        }
        path[0] = `${start}:${line}`;
        return [...path, ...reversed.reverse(), start];
      }
      if (!cameFrom.has(edge.to)) {
        cameFrom.set(edge.to, { from: node, line: edge.line });
        queue.push(edge.to);
      }
    }
  }
  return [start];
}

async function* walk(dir: URL, skip: Set<string>): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    if (skip.has(entry.name) || entry.name.startsWith(".")) continue;
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* walk(url, skip);
    else if (/\.tsx?$/.test(entry.name)) yield url;
  }
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  // deno.json's excludes (static/, dist/, data/) hold generated or runtime files, not source.
  const skip = new Set<string>([
    "node_modules",
    ...(denoJson.exclude ?? []).map((e: string) => e.replace(/\/$/, "")),
  ]);
  const files: SourceFile[] = [];
  for await (const url of walk(root, skip)) {
    files.push({ path: url.pathname.slice(root.pathname.length), text: await Deno.readTextFile(url) });
  }
  const problems = checkLayers(files, { importMap: denoJson.imports ?? {} });
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    console.error(`${problems.length} import(s) break the rooms of STYLE.md (rules: scripts/check_layers.ts)`);
    Deno.exit(1);
  }
  console.log(`layers: ${files.length} files keep to their rooms, no import circles`);
}

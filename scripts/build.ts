// Builds the web client into static/: the page's script split into chunks, the OPAQUE worker, OPAQUE's WebAssembly as
// its own file; every file content-hashed, precompressed (gzip, Brotli) and listed in static/manifest.json.

import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { type BuildManifest, type BuiltFile, MANIFEST_NAME } from "../routes/_assets.ts";

const root = new URL("../", import.meta.url);
const outDir = new URL("static/", root);

/** Runs `deno bundle` with `args`, failing the build with its output when it fails. */
async function bundle(args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--config", new URL("deno.json", root).pathname, "--platform", "browser", ...args],
    cwd: root,
    stdout: "inherit",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`deno bundle ${args.join(" ")} failed:\n${new TextDecoder().decode(stderr)}`);
}

/** A short content hash for file names: the first 10 hex digits of SHA-256. */
async function contentHash(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest.slice(0, 5), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Where Deno's cache holds an npm package, as `deno info` reports it. */
async function npmPackageDir(specifier: string): Promise<string> {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), { args: ["info", "--json", specifier], cwd: root })
    .output();
  if (code !== 0) throw new Error(`deno info ${specifier} failed: run deno install first`);
  const info = JSON.parse(new TextDecoder().decode(stdout));
  const name = specifier.replace(/^npm:/, "");
  const found = info.npmPackages?.[name]?.localPath;
  if (typeof found !== "string") throw new Error(`deno info did not report where ${name} is`);
  return found;
}

// @serenity-kit/opaque ships its WebAssembly inlined as base64 and compiles it when imported; it exports no way to
// give it another module (its init function is private). So the build splits the package's own file in two: the
// WebAssembly, byte for byte, as a file of its own, and the package's wasm-bindgen glue with its loader exported, so
// the worker compiles the file by streaming. These are the package's exact lines the split relies on; another
// version that changed them fails the build here instead of producing a client that cannot log in.
const OPAQUE_INLINE = /function wasmData\(imports\)\{return _loadWasmModule\(0, null, '([A-Za-z0-9+/=]+)'\)\}\n/;
const OPAQUE_READY = "const ready = __wbg_init({ module_or_path: wasmData() }).then(() => {\n});\n";
const OPAQUE_EXPORTS = "export { client, ready, server };";

/** Splits the package's ESM file into its WebAssembly and its glue, whose `init(source)` loads a given module. */
export async function splitOpaque(): Promise<{ wasm: Uint8Array<ArrayBuffer>; glue: string }> {
  const imports = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))).imports;
  const dir = await npmPackageDir(imports["@serenity-kit/opaque"]);
  const source = await Deno.readTextFile(`${dir}/esm/index.js`);
  const inline = source.match(OPAQUE_INLINE);
  if (!inline || !source.includes(OPAQUE_READY) || !source.includes(OPAQUE_EXPORTS)) {
    throw new Error(`${dir}/esm/index.js is not laid out as scripts/build.ts expects: update splitOpaque()`);
  }
  const wasm = Uint8Array.from(atob(inline[1]), (c) => c.charCodeAt(0));
  if (String.fromCharCode(...wasm.subarray(0, 4)) !== "\0asm") throw new Error("OPAQUE's inlined module is no wasm");
  const glue = source.slice(inline.index! + inline[0].length)
    .replace(OPAQUE_READY, "function init(module_or_path) { return __wbg_init({ module_or_path }); }\n")
    .replace(OPAQUE_EXPORTS, "export { client, init };");
  return { wasm, glue };
}

/** The worker's entry: serves OPAQUE's client steps, compiling the WebAssembly file by streaming from `wasmName`. */
function workerEntry(wasmName: string): string {
  const at = (path: string) => JSON.stringify(new URL(path, root).href);
  return `import { client, init } from "./opaque_glue.js";
import { opaqueClientOf } from ${at("core/client/opaque.ts")};
import { serveOpaque } from ${at("islands/_opaque_port.ts")};

serveOpaque(self, async () => {
  await init(fetch(new URL(${JSON.stringify(wasmName)}, self.location.href)));
  return client;
}, opaqueClientOf);
`;
}

/** The relative imports of a bundled ES module: static ones (loaded with it) and `import()` ones (on demand). */
export function importsOf(code: string): { imports: string[]; dynamicImports: string[] } {
  const dynamicImports = [...code.matchAll(/\bimport\(\s*"\.\/([^"]+)"\s*\)/g)].map((m) => m[1]);
  const imports = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*)"\.\/([^"]+)"/g)].map((m) => m[1]);
  return { imports: [...new Set(imports)], dynamicImports: [...new Set(dynamicImports)] };
}

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  wasm: "application/wasm",
  css: "text/css; charset=utf-8",
};

/** Writes `bytes` as `name` with its .gz and .br beside it, and describes it for the manifest. */
async function emit(name: string, bytes: Uint8Array): Promise<BuiltFile> {
  const gzip = gzipSync(bytes, { level: 9 });
  const br = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  await Deno.writeFile(new URL(name, outDir), bytes);
  await Deno.writeFile(new URL(`${name}.gz`, outDir), gzip);
  await Deno.writeFile(new URL(`${name}.br`, outDir), br);
  const type = TYPES[name.slice(name.lastIndexOf(".") + 1)];
  if (!type) throw new Error(`No content type for ${name}`);
  return { type, bytes: bytes.length, gzip: gzip.length, br: br.length };
}

/**
 * Builds everything into static/ and writes the manifest last, so a server never reads a manifest naming files that
 * are not there yet; then removes what earlier builds left.
 *
 * @returns The manifest written.
 */
export async function build(): Promise<BuildManifest> {
  await Deno.mkdir(outDir, { recursive: true });
  const work = await Deno.makeTempDir({ prefix: "mimi_build_" });
  try {
    const files: Record<string, BuiltFile> = {};

    const { wasm, glue } = await splitOpaque();
    const wasmName = `opaque.${await contentHash(wasm)}.wasm`;
    files[wasmName] = await emit(wasmName, wasm);

    await Deno.writeTextFile(`${work}/opaque_glue.js`, glue);
    await Deno.writeTextFile(`${work}/opaque_worker.ts`, workerEntry(wasmName));
    // A classic script (iife): module workers came late to some browsers, and the worker needs no imports.
    await bundle([
      "--minify",
      "--format",
      "iife",
      "--external=@serenity-kit/opaque",
      "-o",
      `${work}/worker.js`,
      `${work}/opaque_worker.ts`,
    ]);
    const workerCode = await Deno.readFile(`${work}/worker.js`);
    const workerName = `opaque_worker.${await contentHash(workerCode)}.js`;
    files[workerName] = { ...await emit(workerName, workerCode), imports: [], dynamicImports: [] };

    // The page's script: code behind import() (noble where crypto.subtle is missing, the signed-in screens) goes into
    // chunks of its own. The page never loads the OPAQUE package: it hands the SDK the worker instead.
    await bundle([
      "--minify",
      "--code-splitting",
      "--format",
      "esm",
      "--external=@serenity-kit/opaque",
      "--outdir",
      `${work}/client`,
      new URL("islands/_client.tsx", root).pathname,
    ]);
    // esbuild names chunks name-HASH.js (its content hash); they become name.HASH.js like every other file.
    const chunks = new Map<string, string>();
    for await (const entry of Deno.readDir(`${work}/client`)) {
      const named = entry.name.match(/^(.+)-([A-Z0-9]{8})\.js$/);
      if (named) chunks.set(entry.name, `${named[1].replace(/^_/, "")}.${named[2].toLowerCase()}.js`);
      else if (entry.name !== "_client.js") throw new Error(`Unexpected bundle output ${entry.name}`);
    }
    const rename = (code: string) =>
      code.replaceAll(/"\.\/([^"]+\.js)"/g, (_whole, file) => {
        if (file === "_client.js") throw new Error("A chunk imports the entry: the manifest could not order them");
        const renamed = chunks.get(file);
        if (!renamed) throw new Error(`The bundle imports ${file}, which it did not write`);
        return `"./${renamed}"`;
      });
    for (const [from, to] of chunks) {
      const code = rename(await Deno.readTextFile(`${work}/client/${from}`));
      files[to] = { ...await emit(to, new TextEncoder().encode(code)), ...importsOf(code) };
    }
    const clientCode = rename(await Deno.readTextFile(`${work}/client/_client.js`));
    const clientBytes = new TextEncoder().encode(clientCode);
    const clientName = `client.${await contentHash(clientBytes)}.js`;
    files[clientName] = { ...await emit(clientName, clientBytes), ...importsOf(clientCode) };

    const manifest: BuildManifest = { client: clientName, worker: workerName, wasm: wasmName, files };
    await Deno.writeTextFile(new URL(MANIFEST_NAME, outDir), JSON.stringify(manifest, null, 2) + "\n");
    // Earlier builds' files go only now: until the new manifest was written, the old one named them.
    const keep = new Set(
      Object.keys(files).flatMap((name) => [name, `${name}.gz`, `${name}.br`]).concat(MANIFEST_NAME),
    );
    for await (const entry of Deno.readDir(outDir)) {
      if (entry.isFile && !keep.has(entry.name)) await Deno.remove(new URL(entry.name, outDir));
    }
    return manifest;
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

// Silent on success, as `deno task start` runs it before the server prints anything (the bench prints the sizes).
if (import.meta.main) await build();

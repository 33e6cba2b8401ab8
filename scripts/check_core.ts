// Proves core/ is isomorphic: type-checks it without Deno's types and greps for runtime-specific APIs.

const root = new URL("../", import.meta.url);
const coreDir = new URL("core/", root);

async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* walk(url);
    else if (/\.tsx?$/.test(entry.name) && !/_test\.tsx?$/.test(entry.name)) yield url;
  }
}

const files: URL[] = [];
for await (const file of walk(coreDir)) files.push(file);

// 1. No runtime-specific API by name in code. Comment lines are skipped (JSDoc may say how Deno callers use an API);
// the type check below catches a Deno global anyway, but not a node:* import, which Deno types whatever the lib.
const FORBIDDEN: [RegExp, string][] = [
  [/\bDeno\./, "Deno.*"],
  [/["']node:/, "node:* import"],
  [/\b(document|window|localStorage|sessionStorage|navigator)\./, "DOM-only global"],
  [/from ["'](\.\.\/)+(server|cli|routes|islands)\//, "import from outside core/"],
  [/from ["']preact/, "Preact"],
];
const problems: string[] = [];
for (const file of files) {
  const lines = (await Deno.readTextFile(file)).split("\n");
  lines.forEach((line, i) => {
    if (/^\s*(\/\/|\/?\*)/.test(line)) return;
    for (const [pattern, what] of FORBIDDEN) {
      if (pattern.test(line)) problems.push(`${file.pathname.slice(root.pathname.length)}:${i + 1}: ${what}`);
    }
  });
}
if (problems.length > 0) {
  console.error(`core/ must run in browsers too; found:\n${problems.join("\n")}`);
  Deno.exit(1);
}

// 2. Type check with browser libraries only, so any Deno global is a type error.
const denoJson = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
const config = await Deno.makeTempFile({ suffix: ".json" });
await Deno.writeTextFile(
  config,
  JSON.stringify({
    imports: denoJson.imports,
    compilerOptions: { ...denoJson.compilerOptions, lib: ["esnext", "dom", "dom.iterable"] },
  }),
);
const check = new Deno.Command(Deno.execPath(), {
  args: ["check", "--quiet", "--config", config, ...files.map((f) => f.pathname)],
  cwd: root,
}).spawn();
const { code } = await check.status;
await Deno.remove(config);
if (code !== 0) {
  console.error("core/ does not type-check without Deno's types");
  Deno.exit(code);
}
console.log(`core/: ${files.length} files type-check without Deno types and use no runtime-specific API`);

// Summarises a V8 CPU profile (`.cpuprofile`, from MIMI_BENCH_PROFILE or `deno run --cpu-prof`): self time by function
// and by file, the heaviest first, so a profile can be read and quoted without a browser.
//
// Usage: deno run --allow-read bench/profile_summary.ts <file.cpuprofile> [rows]

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function and per file of a CPU profile.
 *
 * @param profile The parsed `.cpuprofile`.
 * @returns Rows of [name, milliseconds, share of the total], heaviest first, for functions and for files.
 */
export function summarise(profile: Profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    const file = frame.url.replace(/^.*\/(node_modules|registry\.npmjs\.org|wt-[^/]+)\//, "").replace(/^file:\/\//, "");
    const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    files.set(file || frame.functionName, (files.get(file || frame.functionName) ?? 0) + us);
  }
  const rows = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).map(([name, us]) => [name, us / 1000, us / total] as const);
  return { totalMs: total / 1000, functions: rows(functions), files: rows(files) };
}

if (import.meta.main) {
  const [path, count] = Deno.args;
  const { totalMs, functions, files } = summarise(JSON.parse(await Deno.readTextFile(path)));
  const n = Number(count ?? 25);
  const print = (rows: readonly (readonly [string, number, number])[]) =>
    rows.slice(0, n).forEach(([name, ms, share]) =>
      console.log(`${ms.toFixed(0).padStart(7)} ms ${(share * 100).toFixed(1).padStart(5)} %  ${name}`)
    );
  console.log(`total ${totalMs.toFixed(0)} ms\n\nby function (self time):`);
  print(functions);
  console.log("\nby file:");
  print(files);
}

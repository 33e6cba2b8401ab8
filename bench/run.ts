// `deno task bench`: starts fresh servers on temporary data directories, runs every scenario (or those named), prints
// a table and writes bench/results.json. See bench/README.md for what each figure means and how to run one scenario.

import { clockTicksPerSecond } from "./_proc.ts";
import { type Figure, ROOT, type RunContext, type Scenario } from "./_harness.ts";
import { fanout } from "./fanout.ts";
import { chat } from "./chat.ts";
import { handshakes } from "./handshakes.ts";
import { recordPath } from "./record_path.ts";
import { connections } from "./connections.ts";
import { logins } from "./logins.ts";
import { startup } from "./startup.ts";
import { webWeight } from "./web_weight.ts";

/** Every scenario, in the order a whole run takes them. */
export const SCENARIOS: Scenario[] = [handshakes, recordPath, fanout, chat, logins, connections, startup, webWeight];

const USAGE = `Usage: deno task bench [--quick] [--out FILE] [scenario...]

  scenario   one or more of: ${SCENARIOS.map((s) => s.name).join(", ")} (default: all)
  --quick    small sizes and short runs: for development and the smoke test, not for figures
  --out      where to write the results (default: bench/results.json)`;

/** What results.json holds. */
export interface Results {
  date: string;
  quick: boolean;
  machine: { cores: number; cpu: string; kernel: string; deno: string; v8: string; busy: string };
  commit: string;
  scenarios: string[];
  durationMs: number;
  figures: Figure[];
  /** Scenarios that failed, with why; their figures are missing. */
  failures: { scenario: string; error: string }[];
}

async function text(command: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "null" }).output();
  return new TextDecoder().decode(output.stdout).trim();
}

async function machine(): Promise<Results["machine"]> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo");
  const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  return {
    cores: navigator.hardwareConcurrency,
    cpu: cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown",
    kernel: Deno.osRelease(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    busy: `load average ${load} at the start`,
  };
}

function table(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.scenario,
    f.name,
    f.value === null ? "—" : `${f.value} ${f.unit}`,
    f.target ? `${f.target.op} ${f.target.value} ${f.unit}` : "",
    f.ratio === undefined ? "" : `${f.ratio}`,
    f.pass === undefined ? "" : f.pass ? "pass" : "MISS",
  ]);
  const head = ["scenario", "figure", "value", "target", "ratio", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

async function main(args: string[]): Promise<void> {
  let quick = false;
  let out = `${ROOT}/bench/results.json`;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      return;
    } else if (arg === "--quick") quick = true;
    else if (arg === "--out") out = args[++i];
    else if (arg.startsWith("--out=")) out = arg.slice("--out=".length);
    else if (SCENARIOS.some((s) => s.name === arg)) names.push(arg);
    else throw new TypeError(`Unknown scenario or option ${arg}\n${USAGE}`);
  }
  if (Deno.env.get("MIMI_BENCH_QUICK") === "1") quick = true;
  const chosen = names.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => names.includes(s.name));
  const ctx: RunContext = {
    quick,
    ticksPerSecond: await clockTicksPerSecond(),
    log: (message) => console.error(`[bench] ${message}`),
  };
  const results: Results = {
    date: new Date().toISOString(),
    quick,
    machine: await machine(),
    commit: await text("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]),
    scenarios: chosen.map((s) => s.name),
    durationMs: 0,
    figures: [],
    failures: [],
  };
  const startedAt = performance.now();
  for (const scenario of chosen) {
    ctx.log(`${scenario.name}: ${scenario.describe}`);
    const scenarioStart = performance.now();
    try {
      results.figures.push(...await scenario.run(ctx));
    } catch (error) {
      // One broken scenario must not lose the others' figures: it is reported in the results and the exit code.
      console.error(error);
      results.failures.push({ scenario: scenario.name, error: String(error) });
    }
    ctx.log(`${scenario.name}: ${((performance.now() - scenarioStart) / 1000).toFixed(1)} s`);
  }
  results.durationMs = Math.round(performance.now() - startedAt);
  console.log(table(results.figures));
  console.log(`\n${(results.durationMs / 1000).toFixed(0)} s; results in ${out}`);
  await Deno.writeTextFile(out, JSON.stringify(results, null, 2) + "\n");
  if (results.failures.length > 0) {
    console.error(`Failed: ${results.failures.map((f) => f.scenario).join(", ")}`);
    Deno.exit(1);
  }
}

if (import.meta.main) await main(Deno.args);

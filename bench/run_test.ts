// Smoke test of `deno task bench`: the quick mode runs end to end against real server processes and writes a
// results file of the documented shape. It checks the shape only, never a figure: figures depend on the machine.

import assert from "node:assert/strict";
import type { Results } from "./run.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test({
  name: "deno task bench --quick runs its scenarios end to end and writes results.json with every field",
  // The servers and generators it starts are its own processes, stopped before it returns.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "mimi-bench-smoke-" });
    try {
      const out = `${dir}/results.json`;
      // The scenarios that cover every part of the harness (bare server, seeding, resume over TCP and WebSocket,
      // fan-out, cycles with password logins, restarts); `connections` is the same code as `fanout` at scale.
      const scenarios = ["record", "fanout", "logins", "startup", "web"];
      const run = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", `${ROOT}bench/run.ts`, "--quick", "--out", out, ...scenarios],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(run.stderr);
      assert.ok(run.success, `bench/run.ts failed:\n${stderr}`);
      const results = JSON.parse(await Deno.readTextFile(out)) as Results;
      assert.equal(results.quick, true);
      assert.ok(!Number.isNaN(Date.parse(results.date)));
      assert.ok(results.machine.cores >= 1);
      assert.match(results.machine.deno, /^\d+\.\d+\.\d+/);
      assert.deepEqual(results.scenarios, scenarios);
      assert.deepEqual(results.failures, []);
      for (const scenario of scenarios) {
        assert.ok(results.figures.some((f) => f.scenario === scenario), `no figure from ${scenario}`);
      }
      for (const f of results.figures) {
        assert.equal(typeof f.name, "string");
        assert.equal(typeof f.unit, "string");
        assert.ok(f.value === null || typeof f.value === "number", `${f.name}: value`);
        if (f.target) {
          assert.ok(f.target.op === ">=" || f.target.op === "<=", `${f.name}: target`);
          assert.equal(typeof f.pass, "boolean", `${f.name}: pass`);
        }
      }
      assert.match(new TextDecoder().decode(run.stdout), /scenario\s+figure\s+value\s+target/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

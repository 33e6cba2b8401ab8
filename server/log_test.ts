import assert from "node:assert/strict";
import { createLogger, type LogRecord } from "./log.ts";

Deno.test("createLogger() drops records below the configured level", () => {
  const records: LogRecord[] = [];
  const log = createLogger("warn", (r) => records.push(r));
  log.debug("a");
  log.info("b");
  log.warn("c", { conn: 1 });
  log.error("d");
  assert.deepEqual(records.map((r) => [r.level, r.event]), [["warn", "c"], ["error", "d"]]);
  assert.equal(records[0].conn, 1);
  assert.match(records[0].ts, /^\d{4}-\d\d-\d\dT/);
});

Deno.test("createLogger('silent') writes nothing", () => {
  const records: LogRecord[] = [];
  const log = createLogger("silent", (r) => records.push(r));
  log.error("x");
  assert.equal(records.length, 0);
});

Deno.test("the default sink writes one JSON object per line on stdout", async () => {
  const script = `import { createLogger } from ${JSON.stringify(new URL("./log.ts", import.meta.url).href)};
    const log = createLogger("info"); log.info("listen", { big: 2n ** 64n, text: "多行\\n文本" }); log.debug("hidden");`;
  const { stdout, code } = await new Deno.Command(Deno.execPath(), { args: ["eval", script], stdout: "piped" })
    .output();
  assert.equal(code, 0);
  const lines = new TextDecoder().decode(stdout).trimEnd().split("\n");
  assert.equal(lines.length, 1);
  const record = JSON.parse(lines[0]);
  assert.deepEqual([record.level, record.event, record.big, record.text], [
    "info",
    "listen",
    "18446744073709551616",
    "多行\n文本",
  ]);
});

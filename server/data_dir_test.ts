// Tests for the data directory: private modes whatever the umask, one server at a time, one-line failures.

import assert from "node:assert/strict";
import { createLogger, type LogRecord } from "./log.ts";
import { prepareDataDir } from "./data_dir.ts";
import { StartupError } from "./startup_error.ts";

const POSIX = Deno.build.os !== "windows";

function logger() {
  const records: LogRecord[] = [];
  return { records, logger: createLogger("debug", (r) => records.push(r)) };
}

Deno.test({
  name: "prepareDataDir() makes the directory 0700 and the database 0600, and tightens what it finds open",
  ignore: !POSIX,
  async fn() {
    const parent = await Deno.makeTempDir();
    try {
      const { logger: log, records } = logger();
      const fresh = await prepareDataDir(`${parent}/new/data`, log);
      assert.equal(Deno.statSync(fresh.path).mode! & 0o777, 0o700);
      assert.equal(Deno.statSync(fresh.databasePath).mode! & 0o777, 0o600);
      fresh.release();
      const old = `${parent}/old`;
      Deno.mkdirSync(old, { mode: 0o755 });
      Deno.chmodSync(old, 0o755);
      Deno.writeTextFileSync(`${old}/mimi.db-wal`, "");
      Deno.chmodSync(`${old}/mimi.db-wal`, 0o644);
      const tightened = await prepareDataDir(old, log);
      assert.equal(Deno.statSync(old).mode! & 0o777, 0o700);
      assert.equal(Deno.statSync(`${old}/mimi.db-wal`).mode! & 0o777, 0o600);
      assert.ok(records.some((r) => r.event === "permissions_tightened" && r.from === "755"));
      tightened.release();
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  },
});

Deno.test("prepareDataDir() lets one holder at a time use a directory, and again after release", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { logger: log } = logger();
    const first = await prepareDataDir(dir, log);
    const error = await prepareDataDir(dir, log).then(() => undefined, (e) => e);
    assert.ok(error instanceof StartupError);
    assert.equal(error.key, "server.dataDir");
    assert.match(error.message, /^Another Mimi server is already using the data directory/);
    first.release();
    first.release(); // safe twice
    (await prepareDataDir(dir, log)).release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("prepareDataDir() names server.dataDir when a file stands where the directory should be", async () => {
  const parent = await Deno.makeTempDir();
  try {
    Deno.writeTextFileSync(`${parent}/data`, "a file");
    const error = await prepareDataDir(`${parent}/data`, logger().logger).then(() => undefined, (e) => e);
    assert.ok(error instanceof StartupError);
    assert.match(error.message, /^Cannot use the data directory .*\/data \(server\.dataDir\): /);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("prepareDataDir() without the lock (mimi invite) works beside a server that holds it, with the same modes", async () => {
  const parent = await Deno.makeTempDir();
  try {
    const { logger: log } = logger();
    const server = await prepareDataDir(`${parent}/data`, log);
    const tool = await prepareDataDir(`${parent}/data`, log, { lock: false });
    assert.equal(tool.databasePath, server.databasePath);
    tool.release();
    server.release();
    if (POSIX) {
      const fresh = await prepareDataDir(`${parent}/other`, log, { lock: false });
      assert.equal(Deno.statSync(fresh.path).mode! & 0o777, 0o700);
      assert.equal(Deno.statSync(fresh.databasePath).mode! & 0o777, 0o600);
      assert.deepEqual([...Deno.readDirSync(fresh.path)].map((e) => e.name), ["mimi.db"], "no lock file left behind");
    }
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

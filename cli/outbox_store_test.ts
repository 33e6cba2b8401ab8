// The terminal's outbox file: the shared store suite, the file's mode and form, and a file others could read refused.

import assert from "node:assert/strict";
import { withTempDir } from "./_temp_dir.ts";
import { outboxStoreCases } from "../core/client/_outbox_store_suite.ts";
import { OutboxStoreError } from "../core/client/mod.ts";
import { FileOutboxStore } from "./outbox_store.ts";

const POSIX = Deno.build.os !== "windows";
const SCOPE = { server: "127.0.0.1:8111", userId: 3 };

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir("mimi_outbox_", fn);

for (const { name, run } of outboxStoreCases) {
  // Opening the same name again within a case is a second run of the program: the same file.
  Deno.test(`FileOutboxStore: ${name}`, () =>
    withDir((dir) => run((name) => Promise.resolve(new FileOutboxStore(`${dir}/${name}/outbox`)))));
}

Deno.test(
  "FileOutboxStore writes mode 0600 in a new directory of mode 0700, bytes as hex",
  { ignore: !POSIX },
  async () => {
    await withDir(async (dir) => {
      const path = `${dir}/.mimi/outbox`;
      const store = new FileOutboxStore(path);
      await store.save(SCOPE, {
        clientId: "ab".repeat(16),
        conversationId: 4,
        body: { type: "image", blob: new Uint8Array(32).fill(255), mime: "image/png", width: 1, height: 1, size: 2 },
        image: new Uint8Array([1, 2]),
        createdAt: 7,
        state: "pending",
      });
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${dir}/.mimi`)).mode! & 0o777, 0o700);
      const json = JSON.parse(await Deno.readTextFile(path));
      assert.deepEqual(Object.keys(json), ["3@127.0.0.1:8111"]);
      assert.deepEqual(json["3@127.0.0.1:8111"][0].image, { $hex: "0102" });
      await store.delete(SCOPE, "ab".repeat(16));
      assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), {});
    });
  },
);

Deno.test("FileOutboxStore refuses a file others may read, naming the fix", { ignore: !POSIX }, async () => {
  await withDir(async (dir) => {
    const path = `${dir}/outbox`;
    await Deno.writeTextFile(path, "{}\n", { mode: 0o644 });
    await Deno.chmod(path, 0o644);
    await assert.rejects(new FileOutboxStore(path).load(SCOPE), (error) => {
      assert.ok(error instanceof OutboxStoreError);
      assert.match(error.message, /chmod 600/);
      return true;
    });
  });
});

Deno.test("FileOutboxStore reports a file that is not JSON, and skips sends of another shape", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/outbox`;
    await Deno.writeTextFile(path, "not json", { mode: 0o600 });
    await assert.rejects(new FileOutboxStore(path).load(SCOPE), OutboxStoreError);
    await Deno.writeTextFile(path, JSON.stringify({ "3@127.0.0.1:8111": [{ clientId: "x" }] }), { mode: 0o600 });
    assert.deepEqual(await new FileOutboxStore(path).load(SCOPE), []);
  });
});

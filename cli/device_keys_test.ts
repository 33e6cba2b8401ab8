// The terminal's device key file: the shared store suite, the file's mode, and a file others could read refused.

import assert from "node:assert/strict";
import { withTempDir } from "./_temp_dir.ts";
import { deviceKeyStoreCases } from "../core/client/_device_key_store_suite.ts";
import { DeviceKeyStoreError } from "../core/client/mod.ts";
import { FileDeviceKeyStore } from "./device_keys.ts";

const POSIX = Deno.build.os !== "windows";

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir("mimi_device_keys_", fn);

for (const { name, run } of deviceKeyStoreCases) {
  // Opening the same name again within a case is a second run of the program: the same file.
  Deno.test(`FileDeviceKeyStore: ${name}`, () =>
    withDir((dir) => run((name) => Promise.resolve(new FileDeviceKeyStore(`${dir}/${name}/keys`)))));
}

Deno.test(
  "FileDeviceKeyStore writes the file with mode 0600 in a new directory of mode 0700",
  { ignore: !POSIX },
  async () => {
    await withDir(async (dir) => {
      const path = `${dir}/.mimi/device_keys`;
      const store = new FileDeviceKeyStore(path);
      await store.save("127.0.0.1:8111", { ...await store.create(), deviceId: 3 });
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${dir}/.mimi`)).mode! & 0o777, 0o700);
      const json = JSON.parse(await Deno.readTextFile(path));
      assert.deepEqual(Object.keys(json), ["127.0.0.1:8111"]);
      assert.equal(json["127.0.0.1:8111"].deviceId, 3);
      assert.match(json["127.0.0.1:8111"].secretKey, /^[0-9a-f]{64}$/);
      await store.delete("127.0.0.1:8111");
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600, "a rewrite keeps the mode");
      assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), {});
    });
  },
);

Deno.test(
  "FileDeviceKeyStore refuses a file the group or others may read, saying how to fix it",
  { ignore: !POSIX },
  async () => {
    await withDir(async (dir) => {
      const path = `${dir}/device_keys`;
      const store = new FileDeviceKeyStore(path);
      await store.save("127.0.0.1:8111", { ...await store.create(), deviceId: 3 });
      for (const mode of [0o640, 0o604, 0o620]) {
        await Deno.chmod(path, mode);
        for (const use of [() => store.load("127.0.0.1:8111"), () => store.delete("127.0.0.1:8111")]) {
          await assert.rejects(use(), (error) => {
            assert.ok(error instanceof DeviceKeyStoreError);
            assert.ok(error.message.includes(`chmod 600 ${path}`), error.message);
            return true;
          });
        }
      }
      await Deno.chmod(path, 0o600);
      assert.equal((await store.load("127.0.0.1:8111"))?.deviceId, 3, "once fixed, the credential is there");
    });
  },
);

Deno.test("FileDeviceKeyStore reports a file that is not JSON and skips an entry it cannot use", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/device_keys`;
    await Deno.writeTextFile(path, "{ not json", { mode: 0o600 });
    const store = new FileDeviceKeyStore(path);
    await assert.rejects(
      store.load("a:1"),
      (error) => error instanceof DeviceKeyStoreError && /not JSON/.test(error.message),
    );
    await Deno.writeTextFile(path, JSON.stringify({ "a:1": { deviceId: 1, secretKey: "zz" }, "b:2": 7 }));
    assert.equal(await store.load("a:1"), undefined);
    assert.equal(await store.load("b:2"), undefined);
    await store.save("c:3", { ...await store.create(), deviceId: 4 });
    assert.equal((await store.load("c:3"))?.deviceId, 4, "a save replaces the file with the usable entries");
  });
});

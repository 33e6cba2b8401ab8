// Private files: mode 0600 in a directory of mode 0700, whole replacement, and a file others may read refused.

import assert from "node:assert/strict";
import { withTempDir } from "./_temp_dir.ts";
import { ExposedFileError, readPrivateFile, writePrivateFile } from "./private_file.ts";

const POSIX = Deno.build.os !== "windows";

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir("mimi_private_file_", fn);

Deno.test("readPrivateFile() returns undefined for a missing file", async () => {
  await withDir(async (dir) => {
    assert.equal(await readPrivateFile(`${dir}/missing`), undefined);
  });
});

Deno.test(
  "writePrivateFile() writes mode 0600 in a new directory of mode 0700, and a rewrite keeps the mode",
  { ignore: !POSIX },
  async () => {
    await withDir(async (dir) => {
      const path = `${dir}/.mimi/file`;
      await writePrivateFile(path, "one\n");
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${dir}/.mimi`)).mode! & 0o777, 0o700);
      await writePrivateFile(path, "two\n");
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      assert.equal(await readPrivateFile(path), "two\n");
      assert.deepEqual([...Deno.readDirSync(`${dir}/.mimi`)].map((entry) => entry.name), ["file"], "no leftovers");
    });
  },
);

Deno.test("readPrivateFile() refuses a file the group or others may read or change", { ignore: !POSIX }, async () => {
  await withDir(async (dir) => {
    const path = `${dir}/file`;
    await writePrivateFile(path, "secret\n");
    for (const mode of [0o640, 0o604, 0o620, 0o644]) {
      await Deno.chmod(path, mode);
      await assert.rejects(readPrivateFile(path), (error) => {
        assert.ok(error instanceof ExposedFileError);
        assert.equal(error.mode, mode);
        assert.equal(error.path, path);
        assert.ok(error.message.includes(`(mode ${mode.toString(8)})`), error.message);
        return true;
      });
    }
    await Deno.chmod(path, 0o600);
    assert.equal(await readPrivateFile(path), "secret\n");
  });
});

Deno.test("writePrivateFile() fails when the directory cannot be written, leaving no temporary file", {
  ignore: !POSIX || Deno.uid() === 0,
}, async () => {
  await withDir(async (dir) => {
    await Deno.chmod(dir, 0o500);
    try {
      await assert.rejects(writePrivateFile(`${dir}/file`, "x"), Deno.errors.PermissionDenied);
    } finally {
      await Deno.chmod(dir, 0o700);
    }
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

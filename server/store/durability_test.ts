// Tests that a write the store has acknowledged survives the process being killed outright.

import assert from "node:assert/strict";
import { openSqliteStore } from "./sqlite.ts";

/** Source for a child process that writes, acknowledges, then spins until killed without closing the store. */
function writerScript(path: string): string {
  const storeUrl = new URL("./sqlite.ts", import.meta.url).href;
  return `
    import { openSqliteStore } from ${JSON.stringify(storeUrl)};
    const store = openSqliteStore(${JSON.stringify(path)});
    const user = await store.users.create({
      username: "Survivor",
      usernameKey: "survivor",
      nickname: "幸存者",
      registrationRecord: new Uint8Array([1, 2, 3, 0, 255]),
      createdAt: 1700000000000,
    });
    await store.transaction((tx) => tx.users.setLastSeen(user.id, 1700000000001));
    console.log("ack");
    for (;;) {
      // Busy-wait: no close, no checkpoint, no exit handler; only SIGKILL ends this.
    }
  `;
}

/** Reads the child's stdout until `marker` appears; returns false if the stream ends first. */
async function waitFor(stream: ReadableStream<Uint8Array>, marker: string): Promise<boolean> {
  // The cast: with Node's types in the same program, TextDecoderStream's writable side is typed as BufferSource.
  const reader = stream.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .getReader();
  let seen = "";
  try {
    while (!seen.includes(marker)) {
      const { value, done } = await reader.read();
      if (done) return false;
      seen += value;
    }
    return true;
  } finally {
    await reader.cancel();
  }
}

Deno.test("a user acknowledged before SIGKILL is found after reopening the database", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mimi_durability_" });
  const path = `${dir}/mimi.db`;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", writerScript(path)],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    // Never hang the test run if the child stalls before acknowledging.
    const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
    let acknowledged: boolean;
    try {
      acknowledged = await waitFor(child.stdout, "ack");
      if (acknowledged) child.kill("SIGKILL");
    } finally {
      clearTimeout(deadline);
    }
    const status = await child.status;
    assert.ok(acknowledged, "the child acknowledged the write");
    assert.equal(status.signal, "SIGKILL");
    // The commit sits in the write-ahead log, not yet checkpointed into the main file.
    assert.ok(Deno.statSync(`${path}-wal`).size > 0);

    const store = openSqliteStore(path);
    try {
      const user = await store.users.findByKey("survivor");
      assert.equal(user?.nickname, "幸存者");
      assert.deepEqual(user?.registrationRecord, new Uint8Array([1, 2, 3, 0, 255]));
      assert.equal(user?.lastSeenAt, 1700000000001);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

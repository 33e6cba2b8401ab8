// The dispatcher over real sockets (PROTOCOL.md §3, §5): the auth rule of every operation in the registry, bodies
// checked against their schemas with the field named, answers out of order except for ordered operations, and one
// presence change pushed to many watchers.

import assert from "node:assert/strict";
import { login, register } from "../core/client/accounts.ts";
import type { Value } from "../core/codec/value.ts";
import { OP_SAMPLES } from "../core/protocol/_samples.ts";
import { ProtocolError } from "../core/protocol/errors.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { type AnyOp, OPS } from "../core/protocol/registry.ts";
import { type Connected, expectCode, withClients, withStore } from "./_accounts_helpers.ts";

const PASSWORD = "correct horse 电池 staple";

type OpKey = keyof typeof OPS;

const ENTRIES = Object.entries(OPS) as [OpKey, AnyOp][];

for (const via of ["tcp", "ws"] as const) {
  Deno.test(`${via}: every operation whose auth rule is user is refused with not_logged_in before login`, async () => {
    const userOps = ENTRIES.filter(([, def]) => def.auth === "user");
    assert.ok(userOps.length >= 8, "the registry has logged-in operations to check");
    await withClients(async ({ open }) => {
      const { client } = await open(via);
      for (const [key, def] of userOps) {
        // A body that fits: the refusal is the auth rule's, not the schema's.
        await expectCode(client.request(def.opcode, OP_SAMPLES[key].request as Value), "not_logged_in", def.name);
      }
      assert.equal(await client.echo("still open"), "still open");
    });
  });
}

Deno.test("no anonymous operation answers not_logged_in before login", async () => {
  await withClients(async ({ open }) => {
    const { client } = await open("tcp");
    for (const [key, def] of ENTRIES.filter(([, def]) => def.auth === "anonymous")) {
      try {
        await client.request(def.opcode, OP_SAMPLES[key].request as Value);
      } catch (error) {
        assert.ok(error instanceof ProtocolError, `${def.name}: ${error}`);
        assert.notEqual(error.code, "not_logged_in", def.name);
      }
    }
  });
});

Deno.test("a body that does not fit is answered bad_request naming the field's path, and the connection stays open", async () => {
  await withClients(async ({ open }) => {
    const { client } = await open("ws");
    const publicKey = await expectCode(
      client.request(Op.loginFinish, {
        finish: "AAAA",
        proof: new Uint8Array(32),
        device: { name: "Phone", publicKey: "not bytes" },
      }),
      "bad_request",
      "a string as device.publicKey",
    );
    assert.equal(publicKey.message, "Field device.publicKey must be bytes, not a string");

    await register(client, "alice", "爱丽丝", PASSWORD);
    await login(client, "alice", PASSWORD);
    const listItem = await expectCode(
      client.request(Op.watchPresence, { userIds: [1, 2, 3, 2.5] }),
      "bad_request",
      "a fraction among user ids",
    );
    assert.equal(listItem.message, "Field userIds.3 must be an id, not the number 2.5");
    const missing = await expectCode(client.request(Op.setFont, { family: "Noto Sans SC" }), "bad_request", "no size");
    assert.equal(missing.message, "Field size is missing");
    assert.equal(await client.echo("still open"), "still open");
  });
});

Deno.test("a slow request is passed by a later fast one, unless both are ordered", async () => {
  /** The next request of this operation is held at the server until the test opens the gate. */
  let held: { name: string; release: Promise<void> } | undefined;
  const hold = (name: string) => {
    let open!: () => void;
    held = { name, release: new Promise((resolve) => open = resolve) };
    return open;
  };
  await withClients(async ({ open }) => {
    const { client } = await open("tcp");
    await register(client, "bob", "鲍勃", PASSWORD);
    await login(client, "bob", PASSWORD);
    const answered: string[] = [];
    const send = (name: string, opcode: number, body: Value) =>
      client.request(opcode, body).then(() => void answered.push(name));

    // list_devices and ping are not ordered: the ping's answer comes first.
    const openList = hold("list_devices");
    const list = send("list_devices", Op.listDevices, {});
    await send("ping", Op.ping, {});
    assert.deepEqual(answered, ["ping"]);
    openList();
    await list;
    assert.deepEqual(answered, ["ping", "list_devices"]);

    // set_nickname and set_font are ordered: the fast one waits for the slow one, while a ping still passes both.
    answered.length = 0;
    const openNickname = hold("set_nickname");
    const nickname = send("set_nickname", Op.setNickname, { nickname: "慢" });
    const font = send("set_font", Op.setFont, { family: null, size: 16 });
    await send("ping", Op.ping, {});
    assert.deepEqual(answered, ["ping"], "set_font has not overtaken the held set_nickname");
    openNickname();
    await Promise.all([nickname, font]);
    assert.deepEqual(answered, ["ping", "set_nickname", "set_font"]);
  }, {
    beforeHandler(op) {
      if (op.name !== held?.name) return;
      const { release } = held;
      held = undefined;
      return release;
    },
  });
});

Deno.test("one login is pushed to every connection that watches the user, over both transports", async () => {
  await withClients(async ({ server, open }) => {
    const registrar = await open("tcp");
    const ann = await register(registrar.client, "ann", "安", PASSWORD);
    const watchers: (Connected & { id: number })[] = [];
    for (let i = 0; i < 12; i++) {
      const connected = await open(i % 2 === 0 ? "tcp" : "ws");
      const profile = await register(connected.client, `watcher${i}`, `观察者${i}`, PASSWORD);
      watchers.push({ ...connected, id: profile.id });
    }
    // Friendships have no opcode yet: written through a second connection to the server's SQLite file.
    await withStore(server, async (store) => {
      for (const watcher of watchers) await store.friends.addFriendship(ann.id, watcher.id, Date.now());
    });
    for (const [i, watcher] of watchers.entries()) {
      await login(watcher.client, `watcher${i}`, PASSWORD);
      const answer = await watcher.client.request(Op.watchPresence, { userIds: [ann.id] });
      assert.deepEqual(answer, { presence: [{ userId: ann.id, online: false, lastSeenAt: null }] });
    }
    const annC = await open("ws");
    await login(annC.client, "ann", PASSWORD);
    const online = { userId: ann.id, online: true, lastSeenAt: null };
    for (const watcher of watchers) {
      const push = await watcher.pushes.waitFor((p) => p.opcode === Op.presence);
      assert.deepEqual(push.body, online);
    }
    await annC.client.request(Op.logout, {});
    for (const watcher of watchers) {
      await watcher.pushes.waitFor((p) => p.opcode === Op.presence && (p.body as { online: boolean }).online === false);
      assert.equal(watcher.pushes.presence().length, 2, "one push per change, no more");
    }
  });
});

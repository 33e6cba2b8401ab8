// Remembered devices over real sockets (PROTOCOL.md §10.9): a device resumes after a server restart without the
// password; a revoked one cannot, and revoking closes its connection; a relayed proof is refused; resume follows the
// one-login rule; failed resumes are throttled per address while the account's password guessers cannot lock the
// device out; logout forgets the device.

import assert from "node:assert/strict";
import { login, register } from "../core/client/accounts.ts";
import { generateNobleDeviceKey } from "../core/client/device_key_noble.ts";
import { resumeProof } from "../core/client/resume_proof.ts";
import { Op } from "../core/protocol/opcodes.ts";
import type { LogRecord } from "../server/log.ts";
import { expectCode, loginStartOnly, withClients } from "./_accounts_helpers.ts";
import { listDevices, loginRemembering, resume } from "./_device_helpers.ts";
import { deadline, type TestServer } from "./_harness.ts";

const PASSWORD = "correct horse 电池 staple";

/** The `audit` actions of the server so far. */
function audits(server: TestServer): string[] {
  return server.logs.filter((r: LogRecord) => r.event === "audit").map((r) => String(r.action));
}

Deno.test("a remembered device resumes after a server restart without the password, and is listed as current", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mimi_devices_" });
  const key = generateNobleDeviceKey();
  try {
    const remembered = await (async () => {
      let result;
      await withClients(async ({ open }) => {
        const { client } = await open("tcp");
        const profile = await register(client, "alice", "爱丽丝", PASSWORD);
        const { device, bundle } = await loginRemembering(client, "alice", PASSWORD, key, "Firefox on Linux");
        assert.deepEqual(bundle.user, profile);
        const [listed] = await listDevices(client);
        assert.deepEqual(listed, {
          id: device.deviceId,
          name: "Firefox on Linux",
          createdAt: listed.createdAt,
          lastUsedAt: listed.createdAt,
          current: true,
        });
        result = { device, profile };
      }, { dataDir });
      return result!;
    })();

    await withClients(async ({ server, open }) => {
      const { client } = await open("ws");
      const answer = await resume(client, remembered.device);
      assert.equal(answer.deviceId, remembered.device.deviceId);
      assert.deepEqual(answer.user, remembered.profile);
      assert.deepEqual([answer.friends, answer.rooms.map((r) => r.kind), answer.friendRequests], [[], ["lobby"], []]);
      const named = await client.request(Op.setNickname, { nickname: "回来了" }) as { user: { nickname: string } };
      assert.equal(named.user.nickname, "回来了", "the resumed connection is logged in");
      const [listed] = await listDevices(client);
      assert.equal(listed.current, true);
      assert.ok(listed.lastUsedAt >= listed.createdAt);
      assert.deepEqual(audits(server), ["resume"], "no password login on the restarted server");
    }, { dataDir });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("revoking the device in use answers first, then kicks its connection with reason revoked; it cannot resume", async () => {
  await withClients(async ({ server, open }) => {
    const phone = await open("tcp");
    await register(phone.client, "bob", "鲍勃", PASSWORD);
    const { device } = await loginRemembering(phone.client, "bob", PASSWORD, generateNobleDeviceKey(), "Phone");
    assert.deepEqual(await phone.client.request(Op.revokeDevice, { deviceId: device.deviceId }), {});
    const kicked = await phone.pushes.waitFor((push) => push.opcode === Op.kicked);
    const body = kicked.body as { at: number; address: string; reason: string };
    assert.equal(body.reason, "revoked");
    assert.match(body.address, /^127\.0\.0\.1:\d+$/);
    await deadline(phone.client.closed, 3000, "the revoked connection to close");
    assert.ok(kicked.at <= phone.pushes.closedAt!, "kicked arrives before the close");

    const again = await open("ws");
    await expectCode(resume(again.client, device), "device_unknown", "a revoked device");
    assert.equal(await again.client.echo("still open"), "still open", "device_unknown leaves the connection open");
    assert.ok(audits(server).includes("device_revoked"));
  });
});

Deno.test("one device revokes another: the other cannot resume, the revoker stays, unknown ids are device_unknown", async () => {
  await withClients(async ({ open }) => {
    const laptop = await open("tcp");
    await register(laptop.client, "cara", "卡拉", PASSWORD);
    const { device: laptopDevice } = await loginRemembering(laptop.client, "cara", PASSWORD, generateNobleDeviceKey());
    const phone = await open("ws");
    // The phone's login kicks the laptop's connection (one login per account).
    const { device: phoneDevice } = await loginRemembering(phone.client, "cara", PASSWORD, generateNobleDeviceKey());
    await deadline(laptop.client.closed, 3000, "the laptop's connection to be kicked");
    assert.deepEqual(
      (await listDevices(phone.client)).map((d) => [d.id, d.current]),
      [[laptopDevice.deviceId, false], [phoneDevice.deviceId, true]],
    );
    await phone.client.request(Op.revokeDevice, { deviceId: laptopDevice.deviceId });
    await expectCode(
      phone.client.request(Op.revokeDevice, { deviceId: laptopDevice.deviceId }),
      "device_unknown",
      "revoking twice",
    );
    await expectCode(phone.client.request(Op.revokeDevice, { deviceId: 999_999 }), "device_unknown", "an unknown id");
    assert.deepEqual((await listDevices(phone.client)).map((d) => d.id), [phoneDevice.deviceId]);
    assert.deepEqual(phone.pushes.items, [], "the revoker is not kicked");

    const laptopAgain = await open("tcp");
    await expectCode(resume(laptopAgain.client, laptopDevice), "device_unknown", "the revoked laptop");

    // Another user's device is as unknown as one that never existed.
    const other = await open("tcp");
    await register(other.client, "dave", "戴夫", PASSWORD);
    await login(other.client, "dave", PASSWORD);
    await expectCode(
      other.client.request(Op.revokeDevice, { deviceId: phoneDevice.deviceId }),
      "device_unknown",
      "revoking someone else's device",
    );
  });
});

Deno.test("a resume proof relayed from another connection is refused with device_unknown; bound to its own it works", async () => {
  await withClients(async ({ open }) => {
    const first = await open("tcp");
    await register(first.client, "erin", "艾琳", PASSWORD);
    const { device } = await loginRemembering(first.client, "erin", PASSWORD, generateNobleDeviceKey());
    first.client.close();

    const victim = await open("ws");
    const attacker = await open("tcp");
    // The victim's client signs over its own channel; the attacker relays the proof on its connection.
    const relayed = await resumeProof(device.key.sign, victim.client.channelBinding!);
    await expectCode(
      attacker.client.request(Op.resume, { deviceId: device.deviceId, proof: relayed }),
      "device_unknown",
      "the relayed proof",
    );
    await expectCode(attacker.client.request(Op.listDevices, {}), "not_logged_in", "after the relay");
    // Control: the victim's own connection accepts the same proof, so the refusal was the binding's doing.
    const answer = await victim.client.request(Op.resume, { deviceId: device.deviceId, proof: relayed }) as {
      deviceId: number;
    };
    assert.equal(answer.deviceId, device.deviceId);
  });
});

Deno.test("a resume kicks an older login elsewhere, while the same device's resume replaces its stale connection silently", async () => {
  await withClients(async ({ server, open }) => {
    const setup = await open("tcp");
    await register(setup.client, "finn", "芬恩", PASSWORD);
    const { device } = await loginRemembering(setup.client, "finn", PASSWORD, generateNobleDeviceKey());
    // A password login without the device, elsewhere: it replaces the setup's login (a kick, as usual).
    const other = await open("tcp");
    await login(other.client, "finn", PASSWORD);
    await deadline(setup.client.closed, 3000, "the setup's login to be kicked");

    // A resume while that other login holds the account: it is told, with reason elsewhere.
    const resumed = await open("ws");
    await resume(resumed.client, device);
    const kicked = await other.pushes.waitFor((push) => push.opcode === Op.kicked);
    assert.equal((kicked.body as { reason: string }).reason, "elsewhere");
    await deadline(other.client.closed, 3000, "the older login to be kicked");

    // The same device again (its old connection not noticed gone yet): replaced without a word.
    const fresh = await open("tcp");
    await resume(fresh.client, device);
    await deadline(resumed.client.closed, 3000, "the stale connection to close");
    assert.deepEqual(resumed.pushes.items, [], "no kicked push for the device's own stale connection");
    assert.equal(await fresh.client.echo("here"), "here");
    assert.deepEqual(audits(server).filter((a) => a === "kick" || a === "replace"), ["kick", "kick", "replace"]);
    await expectCode(resume(fresh.client, device), "already_logged_in", "a resume on a logged-in connection");
  });
});

Deno.test("bad resumes are throttled per address, and a password guesser cannot lock the remembered device out", async () => {
  await withClients(async ({ open }) => {
    const setup = await open("tcp");
    await register(setup.client, "gina", "吉娜", PASSWORD);
    const { device } = await loginRemembering(setup.client, "gina", PASSWORD, generateNobleDeviceKey());
    setup.client.close();

    // 20 failed resumes from one address (the address threshold, PROTOCOL.md §10.7), then it must wait.
    const forger = await open("tcp", { from: "127.0.0.3" });
    const forged = new Uint8Array(64).fill(1);
    for (let i = 0; i < 20; i++) {
      await expectCode(
        forger.client.request(Op.resume, { deviceId: device.deviceId, proof: forged }),
        "device_unknown",
        `bad resume ${i}`,
      );
    }
    const throttled = await expectCode(resume(forger.client, device), "throttled", "even the right proof, now");
    assert.ok(throttled.retryAfterMs! > 0, `retryAfterMs ${throttled.retryAfterMs}`);

    // Guessers on 11 addresses put a wait on the account's password logins from any new address.
    for (let i = 1; i <= 11; i++) {
      const guesser = await open("tcp", { from: `127.0.1.${i}` });
      await loginStartOnly(guesser.client, "gina").catch(() => undefined);
    }
    const owner = await open("tcp", { from: "127.0.0.4" });
    await expectCode(loginStartOnly(owner.client, "gina"), "throttled", "a password login of the hammered account");
    // The device is not a password guess: it resumes from that very address.
    const answer = await resume(owner.client, device);
    assert.equal(answer.user.username, "gina");
  });
});

Deno.test("logout forgets the device it logged in with: it cannot resume afterwards", async () => {
  await withClients(async ({ server, open }) => {
    const { client } = await open("tcp");
    await register(client, "hana", "花", PASSWORD);
    const { device } = await loginRemembering(client, "hana", PASSWORD, generateNobleDeviceKey());
    await client.request(Op.logout, {});
    await expectCode(resume(client, device), "device_unknown", "after logout");
    assert.deepEqual(audits(server).slice(-3), ["device_forgotten", "logout", "resume_failed"]);
    // The account is fine: the password still logs in, and the connection remembers a new device.
    const { device: next } = await loginRemembering(client, "hana", PASSWORD, generateNobleDeviceKey());
    assert.deepEqual((await listDevices(client)).map((d) => d.id), [next.deviceId]);
  });
});

Deno.test("a device key that is not a P-256 point is refused with bad_request and the login does not happen", async () => {
  await withClients(async ({ open }) => {
    const { client } = await open("tcp");
    await register(client, "ivan", "伊万", PASSWORD);
    const offCurve = { publicKey: new Uint8Array(65).fill(4), sign: () => Promise.resolve(new Uint8Array(64)) };
    const refused = await expectCode(
      loginRemembering(client, "ivan", PASSWORD, offCurve),
      "bad_request",
      "an off-curve key",
    );
    assert.match(refused.message, /device\.publicKey/);
    await expectCode(client.request(Op.listDevices, {}), "not_logged_in", "no login happened");
  });
});

Deno.test("a key the user's device already has keeps that device's id; another user's key is refused", async () => {
  await withClients(async ({ open }) => {
    const key = generateNobleDeviceKey();
    const first = await open("tcp");
    await register(first.client, "joe", "乔", PASSWORD);
    const { device } = await loginRemembering(first.client, "joe", PASSWORD, key, "Laptop");
    const second = await open("ws");
    const { device: again } = await loginRemembering(second.client, "joe", PASSWORD, key, "Laptop again");
    assert.equal(again.deviceId, device.deviceId);
    assert.deepEqual((await listDevices(second.client)).map((d) => [d.id, d.name]), [[device.deviceId, "Laptop"]]);

    const other = await open("tcp");
    await register(other.client, "kim", "金", PASSWORD);
    await expectCode(loginRemembering(other.client, "kim", PASSWORD, key), "bad_request", "joe's key for kim");
    await expectCode(other.client.request(Op.listDevices, {}), "not_logged_in", "no login happened");
  });
});

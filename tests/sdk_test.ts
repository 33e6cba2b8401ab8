// The SDK's account flows through connect() against a real server: profile changes, logout, and remembered devices
// (login with remember, resume after a server restart, listing, revoking, logging out).

import assert from "node:assert/strict";
import { connect, MemoryDeviceKeyStore, OPS, ProtocolError, type StoredNobleCredential } from "../core/client/mod.ts";
import { FakeClock } from "../core/time/clock.ts";
import { startTestServer, type TestServer } from "./_harness.ts";
import { connectOptions, PASSWORD, untilState, type Via, withServer } from "./_sdk.ts";

Deno.test("the SDK changes the profile, reports the server's refusals and logs out", async () => {
  await withServer(async (server, track) => {
    const connection = track(connect(connectOptions(server, "ws")));
    await connection.register("ming", "小明", PASSWORD);
    await connection.login("ming", PASSWORD);

    const font = await connection.setFont({ family: null, size: 20 });
    assert.deepEqual(font.font, { family: null, size: 20 });
    const state = connection.getSnapshot().session;
    assert.ok(state.state === "signedIn");
    assert.deepEqual(state.user.font, { family: null, size: 20 });

    await assert.rejects(
      connection.setNickname(" "),
      (error) => error instanceof ProtocolError && error.code === "nickname_invalid",
    );
    await connection.logout();
    assert.deepEqual(connection.getSnapshot().session, { state: "signedOut" });
    await assert.rejects(
      connection.call(OPS.setNickname, { nickname: "小红" }),
      (error) => error instanceof ProtocolError && error.code === "not_logged_in",
    );
    assert.equal(connection.status.state, "open", "the connection stays open after logout");
  });
});

Deno.test("a login that is not remembered is signed out after the server restarts, and says so", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mimi_test_" });
  const clock = new FakeClock();
  let first: TestServer | undefined = await startTestServer([], { dataDir });
  let second: TestServer | undefined;
  const ports = [`--server.tcpPort=${first.tcpPort}`, `--server.httpPort=${first.httpPort}`];
  const target = { tcpPort: first.tcpPort, wsUrl: first.wsUrl, fingerprint: first.server.fingerprint };
  const connection = connect(
    connectOptions(target, "tcp", { clock, deviceKeys: new MemoryDeviceKeyStore(), backoff: { random: () => 0 } }),
  );
  try {
    await connection.register("ming", "小明", PASSWORD);
    await connection.login("ming", PASSWORD);
    await first.close();
    first = undefined;
    await untilState(connection, "retrying");
    assert.equal(connection.getSnapshot().session.state, "signedIn", "while reconnecting the screen keeps the user");
    second = await startTestServer(ports, { dataDir });
    clock.tick(0);
    await untilState(connection, "open");
    assert.deepEqual(connection.getSnapshot().session, { state: "signedOut" });
    assert.deepEqual(connection.getSnapshot().contacts, []);
  } finally {
    await connection.close();
    await first?.close();
    await second?.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

for (const via of ["tcp", "ws"] as Via[]) {
  Deno.test(
    `a remembered device over ${via} is signed in again without a password after the server restarts`,
    async () => {
      const dataDir = await Deno.makeTempDir({ prefix: "mimi_test_" });
      const clock = new FakeClock();
      const backing = new Map<string, StoredNobleCredential>();
      let first: TestServer | undefined = await startTestServer([], { dataDir });
      let second: TestServer | undefined;
      const ports = [`--server.tcpPort=${first.tcpPort}`, `--server.httpPort=${first.httpPort}`];
      const target = { tcpPort: first.tcpPort, wsUrl: first.wsUrl, fingerprint: first.server.fingerprint };
      const deviceKeys = new MemoryDeviceKeyStore(backing);
      const connection = connect(
        connectOptions(target, via, { clock, deviceKeys, backoff: { baseMs: 1000, random: () => 0.5 } }),
      );
      try {
        await connection.register("ming", "小明", PASSWORD);
        const bundle = await connection.login("ming", PASSWORD, { remember: "Terminal on Linux" });
        assert.ok(bundle.deviceId !== null && bundle.deviceId > 0, "the server remembered the device");
        assert.equal((await deviceKeys.load(connection.server))?.deviceId, bundle.deviceId, "and it is stored");
        assert.deepEqual(connection.getSnapshot().session, {
          state: "signedIn",
          user: bundle.user,
          deviceId: bundle.deviceId,
        });

        await first.close();
        first = undefined;
        await untilState(connection, "retrying");
        second = await startTestServer(ports, { dataDir });
        clock.tick(500);
        await untilState(connection, "open");
        const resumed = connection.getSnapshot().session;
        assert.ok(resumed.state === "signedIn", "signed in again, no password asked");
        assert.equal(resumed.user.id, bundle.user.id);
        assert.equal(resumed.deviceId, bundle.deviceId);
        const devices = await connection.listDevices();
        assert.deepEqual(devices.map((d) => [d.id, d.name, d.current]), [[bundle.deviceId, "Terminal on Linux", true]]);
        assert.equal(connection.getSnapshot().devices, devices);
      } finally {
        await connection.close();
        await first?.close();
        await second?.close();
        await Deno.remove(dataDir, { recursive: true });
      }
    },
  );
}

Deno.test(
  "a revoked device is kicked with reason revoked, forgets its credential and cannot resume",
  async () => {
    await withServer(async (server, track) => {
      const phoneKeys = new MemoryDeviceKeyStore();
      const phone = track(connect(connectOptions(server, "ws", { deviceKeys: phoneKeys })));
      await phone.register("ming", "小明", PASSWORD);
      const { deviceId } = await phone.login("ming", PASSWORD, { remember: "Phone" });
      const stolen = await phoneKeys.load(phone.server);
      assert.ok(stolen && deviceId !== null);

      const laptop = track(connect(connectOptions(server, "tcp", { deviceKeys: new MemoryDeviceKeyStore() })));
      await laptop.login("ming", PASSWORD, { remember: "Laptop" });
      await untilState(phone, "kicked");
      const devices = await laptop.listDevices();
      assert.deepEqual(devices.map((d) => [d.name, d.current]).sort(), [["Laptop", true], ["Phone", false]]);
      await laptop.revokeDevice(deviceId);
      assert.deepEqual(laptop.getSnapshot().devices.map((d) => d.name), ["Laptop"]);

      // The phone's stored credential, copied before the revocation, no longer resumes: the connection opens signed
      // out and the copy is deleted.
      const copy = new MemoryDeviceKeyStore();
      await copy.save(phone.server, stolen);
      const again = track(connect(connectOptions(server, "tcp", { deviceKeys: copy })));
      await again.opened();
      assert.deepEqual(again.getSnapshot().session, { state: "signedOut" });
      assert.equal(await copy.load(again.server), undefined);

      // Revoking the device a connection is signed in with kicks that connection, which forgets its credential.
      const laptopKeys = new MemoryDeviceKeyStore();
      const current = track(connect(connectOptions(server, "ws", { deviceKeys: laptopKeys })));
      const mine = await current.login("ming", PASSWORD, { remember: "Laptop again" });
      await current.revokeDevice(mine.deviceId!);
      const status = await untilState(current, "kicked");
      assert.ok(status.state === "kicked" && status.reason === "revoked");
      assert.equal(status.ownRevoke, true, "the kick is known to be this session's own revoke");
      assert.equal(await laptopKeys.load(current.server), undefined);
    });
  },
);

Deno.test(
  "logout forgets the remembered device: the next connection is signed out",
  async () => {
    await withServer(async (server, track) => {
      const backing = new Map<string, StoredNobleCredential>();
      const first = track(connect(connectOptions(server, "tcp", { deviceKeys: new MemoryDeviceKeyStore(backing) })));
      await first.register("ming", "小明", PASSWORD);
      await first.login("ming", PASSWORD, { remember: "Terminal" });
      assert.equal(backing.size, 1);
      await first.logout();
      assert.equal(backing.size, 0, "the credential is deleted");
      const next = track(connect(connectOptions(server, "tcp", { deviceKeys: new MemoryDeviceKeyStore(backing) })));
      await next.opened();
      assert.deepEqual(next.getSnapshot().session, { state: "signedOut" });
    });
  },
);

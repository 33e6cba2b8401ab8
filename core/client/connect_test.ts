// Tests for connect() against a real server over TCP and WebSocket: status, typed calls, pushes, reconnect, kicks.

import assert from "node:assert/strict";
import { FakeClock } from "../time/clock.ts";
import { HandshakeError } from "../crypto/errors.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { OPS } from "../protocol/registry.ts";
import { TransportError } from "../transport/duplex.ts";
import { deadline, startTestServer, type TestServer } from "../../tests/_harness.ts";
import { withStore } from "../../tests/_accounts_helpers.ts";
import { connectOptions, PASSWORD, untilState, untilStatus, type Via, withServer } from "../../tests/_sdk.ts";
import { connect } from "./connect.ts";
import { KickedError } from "./events.ts";

const VIAS: Via[] = ["tcp", "ws"];

for (const via of VIAS) {
  Deno.test(`connect() over ${via} opens, registers and logs in, and the state follows`, async () => {
    await withServer(async (server, track) => {
      const connection = track(connect(connectOptions(server, via)));
      assert.equal(connection.status.state, "connecting");
      await connection.opened();
      const { connection: link, session } = connection.getSnapshot();
      assert.equal(link.status.state, "open");
      assert.match(link.suite ?? "", /^[\w-]+\/[\w-]+\/[\w-]+\/[\w-]+$/, "the negotiated suite is shown");
      assert.equal(session.state, "signedOut");

      const profile = await connection.register("alice", "爱丽丝", PASSWORD);
      assert.equal(profile.nickname, "爱丽丝");
      const bundle = await connection.login("alice", PASSWORD);
      assert.equal(bundle.user.id, profile.id);
      assert.equal(bundle.deviceId, null, "no device was asked to be remembered");
      const state = connection.getSnapshot();
      assert.deepEqual(state.session, { state: "signedIn", user: bundle.user, deviceId: null });
      assert.deepEqual(state.contacts, []);

      const renamed = await connection.setNickname("Alice");
      assert.equal(renamed.nickname, "Alice");
      assert.deepEqual(connection.getSnapshot().session, { state: "signedIn", user: renamed, deviceId: null });
      const font = await connection.setFont({ family: "Noto Serif CJK SC", size: 18 });
      assert.deepEqual(font.font, { family: "Noto Serif CJK SC", size: 18 });
      const { time } = await connection.call(OPS.ping, {});
      assert.equal(typeof time, "number");
    });
  });
}

Deno.test("connect(): a call of a logged-in operation before login is refused with not_logged_in", async () => {
  await withServer(async (server, track) => {
    const connection = track(connect(connectOptions(server, "tcp")));
    await assert.rejects(
      connection.call(OPS.setNickname, { nickname: "Bob" }),
      (error) => error instanceof ProtocolError && error.code === "not_logged_in",
    );
    assert.equal(connection.status.state, "open", "a refusal is not the end of the connection");
    assert.equal(await connection.call(OPS.echo, "still here"), "still here");
  });
});

Deno.test("connect(): calls made while connecting wait for the connection to open", async () => {
  await withServer(async (server, track) => {
    const connection = track(connect(connectOptions(server, "ws")));
    const answers = await Promise.all([connection.call(OPS.echo, 1), connection.call(OPS.echo, [2])]);
    assert.deepEqual(answers, [1, [2]]);
  });
});

Deno.test(
  "connect(): every on('presence') subscriber hears a watched friend come online, and the contacts follow",
  async () => {
    await withServer(async (server, track) => {
      const alice = track(connect(connectOptions(server, "tcp")));
      const aliceProfile = await alice.register("alice", "Alice", PASSWORD);
      const bobProfile = await alice.register("bob", "Bob", PASSWORD);
      await withStore(server, (store) => store.friends.addFriendship(aliceProfile.id, bobProfile.id, Date.now()));
      const first: unknown[] = [];
      const second: unknown[] = [];
      const gone: unknown[] = [];
      alice.on("presence", (body) => first.push(body));
      alice.on("presence", (body) => second.push(body));
      alice.on("presence", (body) => gone.push(body))();
      await alice.login("alice", PASSWORD);
      assert.deepEqual(alice.getSnapshot().contacts.map((c) => [c.username, c.online]), [["bob", false]]);

      const bob = track(connect(connectOptions(server, "ws")));
      await bob.login("bob", PASSWORD);
      const online = { userId: bobProfile.id, online: true, lastSeenAt: null };
      await deadline(
        new Promise<void>((resolve) => {
          const check = () => first.length > 0 && second.length > 0 && resolve();
          alice.on("presence", check);
          check();
        }),
        10_000,
        "both subscribers hear bob",
      );
      assert.deepEqual(first, [online]);
      assert.deepEqual(second, [online]);
      assert.deepEqual(gone, [], "an unsubscribed function hears nothing");
      assert.deepEqual(alice.getSnapshot().contacts.map((c) => [c.username, c.online]), [["bob", true]]);
    });
  },
);

Deno.test("connect(): after the server stops it retries with back-off on its clock, and opens on a new server", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mimi_test_" });
  const clock = new FakeClock();
  let first: TestServer | undefined = await startTestServer([], { dataDir });
  let second: TestServer | undefined;
  const ports = [`--server.tcpPort=${first.tcpPort}`, `--server.httpPort=${first.httpPort}`];
  const target = { tcpPort: first.tcpPort, wsUrl: first.wsUrl, fingerprint: first.server.fingerprint };
  const connection = connect(connectOptions(target, "tcp", { clock, backoff: { baseMs: 1000, random: () => 0.5 } }));
  try {
    // A round trip, so the server has taken the connection in (not only finished its side of the handshake).
    assert.equal(await connection.call(OPS.echo, "hello"), "hello");
    await first.close();
    first = undefined;
    const dropped = await untilState(connection, "retrying");
    assert.ok(dropped.state === "retrying");
    assert.equal(dropped.attempt, 1);
    assert.equal(dropped.retryAt - clock.now(), 500, "half of the first ceiling, 1 s");
    assert.ok(dropped.error instanceof ProtocolError && dropped.error.code === "server_shutdown", `${dropped.error}`);

    clock.tick(500);
    const refused = await untilStatus(
      connection,
      (status) => status.state === "retrying" && status.attempt === 2,
      "the second retry",
    );
    assert.ok(refused.state === "retrying");
    assert.equal(refused.retryAt - clock.now(), 1000, "half of the doubled ceiling");
    assert.ok(refused.error instanceof TransportError && refused.error.kind === "connect_failed");
    assert.equal(clock.pending, 1, "only the retry's timer waits: nothing happens until the clock moves");

    second = await startTestServer(ports, { dataDir });
    clock.tick(1000);
    await untilState(connection, "open");
    assert.deepEqual(await connection.call(OPS.echo, "back"), "back");
  } finally {
    await connection.close();
    await first?.close();
    await second?.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("connect(): a session closed for not logging in in time waits idle, and the next call connects again", async () => {
  const serverClock = new FakeClock();
  const server = await startTestServer([], { clock: serverClock });
  const clock = new FakeClock();
  const connection = connect(connectOptions(server, "ws", { clock }));
  try {
    assert.equal(await connection.call(OPS.echo, "hello"), "hello");
    serverClock.tick(server.config.server.limits.loginTimeoutMs + 250);
    assert.deepEqual(await untilState(connection, "idle"), { state: "idle" });
    assert.equal(clock.pending, 0, "no retry is waiting: nobody needs the connection yet");
    const profile = await connection.register("idler", "Idler", PASSWORD);
    assert.equal(profile.username, "idler");
    assert.equal(connection.status.state, "open");
  } finally {
    await connection.close();
    await server.close();
  }
});

Deno.test("connect(): a kicked connection says who took it over and never reconnects", async () => {
  await withServer(async (server, track) => {
    const clock = new FakeClock();
    const older = track(connect(connectOptions(server, "tcp", { clock })));
    await older.register("alice", "Alice", PASSWORD);
    await older.login("alice", PASSWORD);
    const kicks: unknown[] = [];
    older.on("kicked", (kick) => kicks.push(kick));

    const newer = track(connect(connectOptions(server, "ws")));
    await newer.login("alice", PASSWORD);
    const status = await untilState(older, "kicked");
    assert.ok(status.state === "kicked");
    assert.equal(status.reason, "elsewhere");
    assert.match(status.address, /^127\.0\.0\.1/);
    assert.deepEqual(kicks, [{ at: status.at, address: status.address, reason: "elsewhere" }]);
    assert.deepEqual(older.getSnapshot().session, { state: "signedOut", kicked: kicks[0] });
    assert.equal(clock.pending, 0, "no retry is waiting");
    assert.equal(older.retryNow(), false);
    await assert.rejects(older.call(OPS.ping, {}), KickedError);
    assert.equal(newer.status.state, "open");
  });
});

Deno.test("connect(): a changed server key closes the connection for good with key_changed", async () => {
  await withServer(async (server, track) => {
    const clock = new FakeClock();
    const stranger = { tcpPort: server.tcpPort, wsUrl: server.wsUrl, fingerprint: "SHA256:someone-else" };
    const connection = track(connect(connectOptions(stranger, "ws", { clock })));
    const status = await untilState(connection, "closed");
    assert.ok(status.state === "closed");
    assert.ok(status.error instanceof HandshakeError && status.error.kind === "key_changed");
    assert.equal(clock.pending, 0, "no retry is waiting");
    await assert.rejects(connection.call(OPS.ping, {}), (error) => error === status.error);
  });
});

Deno.test("connect() with reconnect: false ends at the first failure, and waiting calls get its error", async () => {
  const server = await startTestServer();
  const gone = { tcpPort: server.tcpPort, wsUrl: server.wsUrl, fingerprint: server.server.fingerprint };
  await server.close();
  const connection = connect(connectOptions(gone, "tcp", { reconnect: false }));
  await assert.rejects(
    connection.call(OPS.ping, {}),
    (error) => error instanceof TransportError && error.kind === "connect_failed",
  );
  assert.equal(connection.status.state, "closed");
  await connection.close();
});

Deno.test("connect(): aborting the signal closes the connection without an error", async () => {
  await withServer(async (server, track) => {
    const controller = new AbortController();
    const connection = track(connect(connectOptions(server, "tcp", { signal: controller.signal })));
    await connection.opened();
    controller.abort();
    assert.deepEqual(connection.status, { state: "closed" });
    await assert.rejects(connection.call(OPS.ping, {}), (e) => e instanceof TransportError && e.kind === "closed");
  });
});

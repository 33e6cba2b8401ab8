// Accounts over real sockets (PROTOCOL.md §10): registration and login with every suite over TCP and WebSocket,
// wrong passwords and unknown users alike, name rules, relayed logins, the kick, presence and its grace period,
// throttling from two client addresses, profile, password change, order errors, durability across SIGKILL and
// what the audit log says (and never says). Every test keeps an honest bystander connection that must still echo.

import assert from "node:assert/strict";
import * as opaque from "@serenity-kit/opaque";
import type { Value } from "../core/codec/value.ts";
import { changePassword, login, type LoginBundle, register } from "../core/client/accounts.ts";
import { hex } from "../core/bytes/mod.ts";
import { ALGORITHMS, type SuitePreferences } from "../core/crypto/suites.ts";
import { Op } from "../core/protocol/opcodes.ts";
import type { LogRecord } from "../server/log.ts";
import {
  connect,
  type Connected,
  expectCode,
  KEY_STRETCHING,
  loginProof,
  loginStartOnly,
  rejection,
  startLogin,
  type Target,
  type Via,
  withStore,
} from "./_accounts_helpers.ts";
import { deadline, startTestServer, type TestServer } from "./_harness.ts";
import { FakeClock } from "../core/time/clock.ts";
import { rawTcp } from "./_raw_client.ts";

/** Many connections from 127.0.0.1 per test: lift the per-address connection rate limit (not the login throttle). */
/** Every connection of these tests comes from 127.0.0.1: the per-address limits would throttle the tests themselves. */
const NO_RATE_LIMIT = [
  "--server.limits.connectionsPerIpPerMinute=1000000",
  "--server.limits.handshakeUnitsPerIpPerMinute=1000000",
  "--server.limits.maxConnectionsPerIp=100000",
  "--server.limits.maxHandshakesPerIp=100000",
];
const GRACE_MS = 300;
const GRACE = `--server.presenceGraceMs=${GRACE_MS}`;
const SMALL: SuitePreferences = { kex: ["x25519"], aead: ["aes-256-gcm"], hash: ["sha256"], sig: ["ed25519"] };
const PASSWORD = "correct horse 电池 staple";

interface Context {
  server: TestServer;
  /** Connects a real client; it is closed when the test ends. */
  open(via: Via, options?: Parameters<typeof connect>[2]): Promise<Connected>;
}

/** Runs `fn` with a server and an honest TCP bystander, which must still echo once `fn` is done. */
async function withServer(
  flags: string[],
  fn: (context: Context) => Promise<void>,
  clock?: FakeClock,
): Promise<void> {
  const server = await startTestServer([...NO_RATE_LIMIT, ...flags], { clock });
  const opened: Connected[] = [];
  const bystander = await rawTcp(server, { offer: SMALL });
  try {
    await bystander.request(Op.echo, 1, "before");
    assert.deepEqual(await bystander.next(), { opcode: Op.echo, id: 1, body: "before" });
    await fn({
      server,
      async open(via, options) {
        const connected = await connect(server, via, options);
        opened.push(connected);
        return connected;
      },
    });
    await bystander.request(Op.echo, 2, "still here");
    assert.deepEqual(await bystander.next(), { opcode: Op.echo, id: 2, body: "still here" });
    const failures = server.logs.filter((r) => r.level === "error");
    assert.deepEqual(failures, [], "the server logged no error");
  } finally {
    bystander.close();
    for (const { client } of opened) client.close();
    await Promise.all(opened.map(({ client }) => deadline(client.closed, 5000, "a test client to close")));
    await server.close();
  }
}

/** The response of set_nickname and set_font. */
type ProfileAnswer = { user: LoginBundle["user"] };

/** The `audit` records of the server so far. */
function audits(server: TestServer, action?: string): LogRecord[] {
  return server.logs.filter((r) => r.event === "audit" && (action === undefined || r.action === action));
}

/**
 * What `login()` returns for a user with no friends, rooms or requests: the bundle, and `deviceId` null because the
 * login remembered no device (PROTOCOL.md §10.9).
 */
function emptyBundle(user: LoginBundle["user"]): LoginBundle & { deviceId: null } {
  return { user, friends: [], rooms: [], friendRequests: [], conversations: [], users: [], deviceId: null };
}

/** The bundle without the lobby, which every user's lists first (PROTOCOL.md §13.4), after checking it is there. */
function withoutLobby<B extends LoginBundle>(bundle: B): B {
  assert.equal(bundle.rooms[0]?.kind, "lobby", "the lobby comes first");
  return { ...bundle, rooms: bundle.rooms.slice(1) };
}

// Four suites that, between them, use every kex, aead, hash and signature algorithm.
const COMBOS: SuitePreferences[] = [
  { kex: ["x25519-mlkem768"], aead: ["aes-256-gcm"], hash: ["sha256"], sig: ["ed25519"] },
  { kex: ["x25519"], aead: ["chacha20-poly1305"], hash: ["sha384"], sig: ["ecdsa-p256"] },
  { kex: ["p256"], aead: ["aes-128-gcm"], hash: ["sha256"], sig: ["ecdsa-p256"] },
  { kex: ["ffdhe"], aead: ["chacha20-poly1305"], hash: ["sha384"], sig: ["ed25519"] },
];

Deno.test("the suite combinations cover every supported algorithm", () => {
  for (const part of ["kex", "aead", "hash", "sig"] as const) {
    const used = new Set(COMBOS.flatMap((combo) => combo[part]));
    assert.deepEqual([...ALGORITHMS[part]].filter((id) => !used.has(id)), [], `every ${part} is used`);
  }
});

Deno.test("register and login work over TCP and WebSocket with every suite, and the bundle holds the profile", async () => {
  // ffdhe is off by default (PROTOCOL.md §8.1): turned on here so that every key exchange is covered.
  await withServer([`--crypto.kex=${ALGORITHMS.kex.join(",")}`], async ({ open }) => {
    const runs = COMBOS.flatMap((offer, i) =>
      (["tcp", "ws"] as const).map(async (via) => {
        const { client, result } = await open(via, { offer });
        assert.deepEqual(result.suite, {
          kex: offer.kex[0],
          aead: offer.aead[0],
          hash: offer.hash[0],
          sig: offer.sig[0],
        });
        const username = `User_${i}.${via}`;
        const nickname = `小明${"一二三四"[i]}号`;
        const profile = await register(client, username, nickname, PASSWORD);
        assert.deepEqual(profile, { id: profile.id, username, nickname, font: { family: null, size: null } });
        const bundle = await login(client, username, PASSWORD);
        assert.deepEqual(withoutLobby(bundle), emptyBundle(profile));
        assert.equal(await client.echo("登录后"), "登录后", "the logged-in connection serves requests");
      })
    );
    await Promise.all(runs);
  });
});

Deno.test("a wrong password and an unknown user are answered alike, on the client and on the wire", async () => {
  await withServer([], async ({ server, open }) => {
    const { client } = await open("tcp");
    await register(client, "alice", "爱丽丝", PASSWORD);

    const wrong = await expectCode(login(client, "alice", "not the password"), "credentials_wrong", "wrong password");
    const unknown = await expectCode(login(client, "nobody", PASSWORD), "credentials_wrong", "unknown user");
    assert.equal(wrong.message, unknown.message);

    // The server's KE2 for an unknown name comes from a fake record: same fields, same length.
    const known = await loginStartOnly(client, "alice") as Record<string, Value>;
    const fake = await loginStartOnly(client, "nobody") as Record<string, Value>;
    assert.deepEqual(Object.keys(known), ["response"]);
    assert.deepEqual(Object.keys(fake), ["response"]);
    assert.equal(typeof known.response, "string");
    assert.equal((fake.response as string).length, (known.response as string).length);

    // A login_finish with garbage is a wrong password, not a malformed request or a server failure.
    const garbage = { finish: "garbage", proof: new Uint8Array(32) };
    const messages = [];
    for (const username of ["alice", "nobody"]) {
      await loginStartOnly(client, username);
      messages.push((await expectCode(client.request(Op.loginFinish, garbage), "credentials_wrong", username)).message);
    }
    assert.deepEqual(messages, [wrong.message, wrong.message], "the server's message is the client's");
    assert.equal(server.logs.some((r) => r.event === "handler_failed"), false);
  });
});

Deno.test("usernames and nicknames are checked: length, characters, case-insensitive uniqueness", async () => {
  await withServer([], async ({ open }) => {
    const { client } = await open("tcp");
    await opaque.ready;
    /** Sends register_start only: accepted names get a response, and no account is made. */
    const registerStart = (username: Value, nickname: Value) =>
      client.request(Op.registerStart, {
        username,
        nickname,
        request: opaque.client.startRegistration({ password: PASSWORD }).registrationRequest,
      });

    for (const username of ["ab", "a".repeat(33), "al ice", "张三丰", "bob!", "   "]) {
      await expectCode(register(client, username, "昵称", PASSWORD), "username_invalid", JSON.stringify(username));
    }
    // Not a string at all is a malformed body (PROTOCOL.md §10.2 step 1), not a name that breaks the rules.
    await expectCode(registerStart(42, "昵称"), "bad_request", "a number as username");
    await expectCode(loginStartOnly(client, "张三丰"), "username_invalid", "login with an invalid name");
    for (const username of ["abc", "a".repeat(32), "A-b_c.9", "  padded  "]) {
      assert.equal(
        typeof (await registerStart(username, "昵称") as { response: unknown }).response,
        "string",
        username,
      );
    }

    const nicknames = [
      "",
      "   ",
      "a".repeat(33),
      "汉".repeat(33),
      "𠮷".repeat(33),
      "小\n明",
      "tab\there",
      "zero\u200bwidth",
    ];
    for (const nickname of nicknames) {
      await expectCode(register(client, "carol", nickname, PASSWORD), "nickname_invalid", JSON.stringify(nickname));
    }
    await expectCode(registerStart("carol", null), "bad_request", "a null nickname");
    // 32 characters of a script outside the BMP are 64 UTF-16 units: still 32 characters.
    assert.equal(typeof (await registerStart("carol", "𠮷".repeat(32)) as { response: unknown }).response, "string");

    const poem = [..."床前明月光疑是地上霜举头望明月低头思故乡春眠不觉晓处处闻啼鸟夜来风雨声"].slice(0, 32).join("");
    assert.equal([...poem].length, 32);
    const alice = await register(client, "Alice", poem, PASSWORD);
    assert.equal(alice.username, "Alice", "shown as typed");
    assert.equal(alice.nickname, poem);
    for (const username of ["alice", "  ALICE  "]) {
      await expectCode(register(client, username, "另一个", PASSWORD), "username_taken", username);
    }
    const zoe = await register(client, "  zoe  ", " Zoe\u0308 ", PASSWORD);
    assert.deepEqual([zoe.username, zoe.nickname], ["zoe", "Zo\u00eb"], "trimmed, and the nickname NFC-normalised");

    // Any case logs in to the one account.
    const bundle = await login(client, "aLiCe", PASSWORD);
    assert.deepEqual(bundle.user, alice);
  });
});

Deno.test("username_taken is checked again at register_finish when two connections race for a name", async () => {
  await withServer([], async ({ open }) => {
    const [a, b] = [await open("tcp"), await open("ws")];
    await opaque.ready;
    const start = async (via: Connected, username: string) => {
      const steps = opaque.client.startRegistration({ password: PASSWORD });
      const { response } = await via.client.request(Op.registerStart, {
        username,
        nickname: "夏娃",
        request: steps.registrationRequest,
      }) as { response: string };
      const { registrationRecord } = opaque.client.finishRegistration({
        clientRegistrationState: steps.clientRegistrationState,
        registrationResponse: response,
        password: PASSWORD,
        keyStretching: KEY_STRETCHING,
      });
      return () => via.client.request(Op.registerFinish, { record: registrationRecord });
    };
    const finishA = await start(a, "Eve");
    const finishB = await start(b, "eve");
    const made = await finishA() as { user: { username: string } };
    assert.equal(made.user.username, "Eve");
    await expectCode(finishB(), "username_taken", "the second registration of eve");
    await login(b.client, "EVE", PASSWORD);
  });
});

Deno.test("a login relayed to another connection is refused; the same steps bound to the right connection succeed", async () => {
  await withServer([], async ({ open }) => {
    const victim = await open("tcp");
    const attacker = await open("ws");
    await register(victim.client, "victim", "受害者", PASSWORD);
    assert.notDeepEqual(victim.client.channelBinding, attacker.client.channelBinding);
    await opaque.ready;

    /** The attacker relays the victim's KE1 over its own connection and hands KE2 back; the victim finishes OPAQUE. */
    const relayedLogin = async () => {
      const steps = opaque.client.startLogin({ password: PASSWORD });
      const { response } = await attacker.client.request(Op.loginStart, {
        username: "victim",
        request: steps.startLoginRequest,
      }) as { response: string };
      const result = opaque.client.finishLogin({
        clientLoginState: steps.clientLoginState,
        loginResponse: response,
        password: PASSWORD,
        keyStretching: KEY_STRETCHING,
      });
      assert.ok(result, "OPAQUE alone cannot see the relay: KE2 authenticates");
      return result;
    };

    // The victim's client binds its proof to its own channel, connection A; the attacker sends it on B.
    const relayed = await relayedLogin();
    await expectCode(
      attacker.client.request(Op.loginFinish, {
        finish: relayed.finishLoginRequest,
        proof: loginProof(relayed.sessionKey, "client", victim.client.channelBinding!),
      }),
      "credentials_wrong",
      "the relayed login",
    );
    await expectCode(attacker.client.request(Op.setNickname, { nickname: "黑客" }), "not_logged_in", "after relay");

    // Reflecting the server's label does not help either.
    const reflected = await relayedLogin();
    await expectCode(
      attacker.client.request(Op.loginFinish, {
        finish: reflected.finishLoginRequest,
        proof: loginProof(reflected.sessionKey, "server", attacker.client.channelBinding!),
      }),
      "credentials_wrong",
      "a proof with the server's label",
    );

    // Control: the same hand-made steps with the proof bound to B itself log B in, so the refusals above were the
    // binding's doing and not a slip in this test's OPAQUE or HMAC.
    const control = await relayedLogin();
    const answer = await attacker.client.request(Op.loginFinish, {
      finish: control.finishLoginRequest,
      proof: loginProof(control.sessionKey, "client", attacker.client.channelBinding!),
    }) as { proof: Uint8Array; user: { username: string } };
    assert.equal(answer.user.username, "victim");
    assert.deepEqual(answer.proof, loginProof(control.sessionKey, "server", attacker.client.channelBinding!));
  });
});

for (const [first, second] of [["tcp", "ws"], ["ws", "tcp"]] as const) {
  Deno.test(`a login over ${second} kicks the ${first} session with time and address; presence stays online`, async () => {
    const clock = new FakeClock();
    await withServer([GRACE], async ({ server, open }) => {
      const registrar = await open("tcp");
      const ann = await register(registrar.client, "ann", "安", PASSWORD);
      const bob = await register(registrar.client, "bob", "鲍勃", PASSWORD);
      // No friend-request opcode exists yet: the friendship is written through a second connection to the server's
      // SQLite file (WAL lets it write while the server holds the file open). Use friend requests once they exist.
      await withStore(server, (store) => store.friends.addFriendship(ann.id, bob.id, Date.now()));
      const friend = await open("tcp");
      await login(friend.client, "bob", PASSWORD);
      await friend.client.request(Op.watchPresence, { userIds: [ann.id] });

      const old = await open(first);
      await login(old.client, "ann", PASSWORD);
      await friend.client.echo("sync");
      const online = { userId: ann.id, online: true, lastSeenAt: null };
      assert.deepEqual(friend.pushes.presence(), [online]);

      const fresh = await open(second);
      clock.tick(1234); // the new login's time, as the server's clock has it
      const bundle = await login(fresh.client, "ann", PASSWORD);
      assert.equal(bundle.user.id, ann.id);

      const kicked = await old.pushes.waitFor((push) => push.opcode === Op.kicked);
      const { at, address } = kicked.body as { at: number; address: string };
      assert.equal(at, clock.now(), "kicked.at is the time of the new login");
      const logins = audits(server, "login").filter((r) => r.user === ann.id);
      assert.equal(logins.length, 2);
      assert.equal(address, logins[1].remote, "the address is the new connection's");
      assert.notEqual(address, logins[0].remote);
      assert.match(address, /^127\.0\.0\.1:\d+$/);

      await deadline(old.client.closed, 3000, "the kicked connection to close");
      assert.ok(kicked.at <= old.pushes.closedAt!, "kicked arrives before the close");
      assert.deepEqual(old.pushes.items.map((push) => push.opcode), [Op.kicked]);
      assert.ok(await rejection(old.client.echo("还在吗"), "a request on the kicked connection") instanceof Error);
      assert.equal(await fresh.client.echo("新连接"), "新连接");
      assert.deepEqual(fresh.pushes.items, []);

      // Past the grace period: a kick mistaken for a dropped connection would have pushed offline by now.
      clock.tick(GRACE_MS + 1);
      await friend.client.echo("sync");
      assert.deepEqual(friend.pushes.presence(), [online], "the friend saw ann online throughout");
      assert.equal(audits(server, "kick").length, 1);
    }, clock);
  });
}

Deno.test("presence reaches the friends and room co-members who watch: at once on login and logout, after the grace period on a drop", async () => {
  const clock = new FakeClock();
  await withServer([GRACE], async ({ server, open }) => {
    const registrar = await open("tcp");
    const users = [];
    for (const [name, nick] of [["ann", "安"], ["bob", "鲍勃"], ["cat", "猫"], ["dan", "丹"]]) {
      users.push(await register(registrar.client, name, nick, PASSWORD));
    }
    const [annP, bobP, catP] = users;
    // Stand-in until friend requests and rooms have opcodes: written through a second connection to the SQLite file.
    // bob is ann's friend; cat shares a room with ann but is not her friend; dan knows nobody.
    await withStore(server, async (store) => {
      const now = Date.now();
      await store.friends.addFriendship(annP.id, bobP.id, now);
      const room = await store.rooms.createRoom("读书会", "group", catP.id, now);
      await store.rooms.addMember(room.id, catP.id, "owner", now);
      await store.rooms.addMember(room.id, annP.id, "member", now);
    });
    /** Logs in and, like a client showing its contacts, watches ann (PROTOCOL.md §10.5). */
    const loggedIn = async (via: Via, username: string) => {
      const connected = await open(via);
      const bundle = await login(connected.client, username, PASSWORD);
      const watched = await connected.client.request(Op.watchPresence, { userIds: [annP.id] }) as {
        presence: { userId: number; online: boolean; lastSeenAt: number | null }[];
      };
      return { ...connected, bundle, watched: watched.presence };
    };
    const presenceOf = (online: boolean, lastSeenAt: number | null) => ({ userId: annP.id, online, lastSeenAt });
    let bobC = await loggedIn("ws", "bob");
    const catC = await loggedIn("tcp", "cat");
    const danC = await loggedIn("tcp", "dan");
    assert.deepEqual(bobC.bundle.friends, [
      { id: annP.id, username: "ann", nickname: "安", online: false, lastSeenAt: null },
    ]);
    assert.deepEqual(catC.bundle.friends, [], "a room co-member is not a friend");
    assert.deepEqual(catC.bundle.rooms.map((room) => room.kind), ["lobby", "group"]);
    const annOffline = [{ userId: annP.id, online: false, lastSeenAt: null }];
    assert.deepEqual(bobC.watched, annOffline, "a friend may watch ann");
    assert.deepEqual(catC.watched, annOffline, "a co-member may watch ann");
    assert.deepEqual(danC.watched, [], "a stranger's watch of ann is dropped silently");

    // Login: pushed before anything the watchers ask next is answered.
    const ann1 = await loggedIn("tcp", "ann");
    await Promise.all([bobC, catC, danC].map((w) => w.client.echo("after ann's login")));
    assert.deepEqual(bobC.pushes.presence(), [presenceOf(true, null)]);
    assert.deepEqual(catC.pushes.presence(), [presenceOf(true, null)]);
    assert.deepEqual(danC.pushes.items, [], "a stranger hears nothing");

    // bob's next login bundle and watch show ann online (this second login of bob kicks his first connection).
    const bob2 = await loggedIn("tcp", "bob");
    assert.deepEqual(bob2.bundle.friends.map((f) => [f.id, f.online, f.lastSeenAt]), [[annP.id, true, null]]);
    assert.deepEqual(bob2.watched, [presenceOf(true, null)]);
    bobC = bob2;

    // Logout: offline at once, with the time it happened.
    clock.tick(4321);
    assert.deepEqual(await ann1.client.request(Op.logout, {}), {});
    await Promise.all([bobC, catC].map((w) => w.client.echo("after ann's logout")));
    const offline = bobC.pushes.presence().at(-1)!;
    assert.equal(offline.online, false);
    assert.equal(offline.lastSeenAt, clock.now(), "lastSeenAt is the time of the logout");
    assert.deepEqual(catC.pushes.presence().at(-1), offline);
    const bob3 = await loggedIn("ws", "bob");
    assert.deepEqual(bob3.bundle.friends.map((f) => [f.id, f.online, f.lastSeenAt]), [[
      annP.id,
      false,
      offline.lastSeenAt,
    ]]);
    assert.deepEqual(bob3.watched, [offline], "the watch answers the last-seen time too");
    bobC = bob3;

    // A drop without logout: still online during the grace period, offline after it.
    const ann2 = await loggedIn("tcp", "ann");
    await Promise.all([bobC, catC].map((w) => w.client.echo("after ann's second login")));
    assert.deepEqual(bobC.pushes.presence(), [presenceOf(true, null)]);
    const marks = [bobC, catC].map((w) => w.pushes.items.length);
    const ann2Conn = audits(server, "login").filter((r) => r.user === annP.id).at(-1)!.conn;
    ann2.client.close();
    await server.waitForLog((r) => r.event === "disconnect" && r.conn === ann2Conn);
    clock.tick(GRACE_MS - 1);
    await Promise.all([bobC, catC].map((w) => w.client.echo("just before the grace period ends")));
    assert.deepEqual([bobC, catC].map((w) => w.pushes.items.length), marks, "still online within the grace period");
    clock.tick(1);
    const offlinePushes = await Promise.all(
      [bobC, catC].map((w, i) =>
        w.pushes.waitFor((p) => p.opcode === Op.presence && (p.body as { online: boolean }).online === false, {
          after: marks[i],
          ms: 3000,
        })
      ),
    );
    for (const push of offlinePushes) {
      assert.equal((push.body as { lastSeenAt: unknown }).lastSeenAt, clock.now(), "last seen when the grace ended");
    }

    // A reconnect within the grace period shows no change. The new connection runs login_start and the client's
    // Argon2 before the drop, so only login_finish falls inside the 300 ms window; it is sent once the server has
    // seen the old connection end, so the login really lands in the grace period.
    const ann3 = await loggedIn("tcp", "ann");
    await Promise.all([bobC, catC].map((w) => w.client.echo("after ann's third login")));
    const ann4 = await open("ws");
    const started = await startLogin(ann4.client, "ann", PASSWORD);
    const before = [bobC, catC].map((w) => w.pushes.presence().length);
    const ann3Conn = audits(server, "login").filter((r) => r.user === annP.id).at(-1)!.conn;
    ann3.client.close();
    await server.waitForLog((r) => r.event === "disconnect" && r.conn === ann3Conn);
    await started.finish();
    clock.tick(GRACE_MS + 1);
    await Promise.all([bobC, catC].map((w) => w.client.echo("after the grace period")));
    assert.deepEqual([bobC, catC].map((w) => w.pushes.presence().length), before, "no presence change");
    // The watchers are still listening: a logout now is seen at once.
    await ann4.client.request(Op.logout, {});
    await Promise.all([bobC, catC].map((w) => w.client.echo("after ann's last logout")));
    for (const w of [bobC, catC]) assert.equal(w.pushes.presence().at(-1)!.online, false);
    assert.deepEqual(danC.pushes.items, [], "the stranger never heard of ann");
  }, clock);
});

Deno.test("throttling slows a guesser on one address while the real user on another logs in", async () => {
  // The server's clock stands still, so the 1 s throttle window cannot pass while a loaded machine stretches passwords.
  await withServer([], async ({ server, open }) => {
    const registrar = await open("tcp");
    await register(registrar.client, "alice", "爱丽丝", PASSWORD);
    // 127.0.0.2 is the loopback interface too; the server, listening on 127.0.0.1, sees a second client address.
    const guesser = await open("tcp", { from: "127.0.0.2" });
    for (let i = 0; i < 3; i++) {
      await expectCode(login(guesser.client, "alice", `guess ${i}`), "credentials_wrong", `guess ${i}`);
    }
    const throttled = await expectCode(loginStartOnly(guesser.client, "alice"), "throttled", "the fourth guess");
    assert.ok(throttled.retryAfterMs! > 0 && throttled.retryAfterMs! <= 1000, `retryAfterMs ${throttled.retryAfterMs}`);
    assert.equal(audits(server, "throttle").at(-1)!.remote?.toString().startsWith("127.0.0.2:"), true);

    const real = await open("tcp");
    const bundle = await login(real.client, "alice", PASSWORD);
    assert.equal(bundle.user.username, "alice");
    assert.equal(audits(server, "login").at(-1)!.remote?.toString().startsWith("127.0.0.1:"), true);
  }, new FakeClock(Date.now()));
});

Deno.test("guesses on one account from 10 addresses slow the 11th address, while the address the account logged in from is not slowed", async () => {
  // The server's clock stands still, so the 1 s throttle window cannot pass while a loaded machine stretches passwords.
  await withServer([], async ({ server, open }) => {
    const real = await open("tcp");
    await register(real.client, "alice", "爱丽丝", PASSWORD);
    await login(real.client, "alice", PASSWORD);
    await real.client.request(Op.logout, {});
    // One guess from each of 10 addresses: no pair and no address reaches its own threshold.
    for (let i = 1; i <= 10; i++) {
      const guesser = await open("tcp", { from: `127.0.1.${i}` });
      await loginStartOnly(guesser.client, "alice");
    }
    const eleventh = await open("tcp", { from: "127.0.1.11" });
    const throttled = await expectCode(loginStartOnly(eleventh.client, "alice"), "throttled", "the 11th address");
    assert.ok(throttled.retryAfterMs! > 0 && throttled.retryAfterMs! <= 1000, `retryAfterMs ${throttled.retryAfterMs}`);
    assert.equal(typeof (await loginStartOnly(eleventh.client, "bob") as { response: unknown }).response, "string");

    const bundle = await login(real.client, "alice", PASSWORD);
    assert.equal(bundle.user.username, "alice", "the real user's address is exempt from the account-wide wait");
    assert.equal(audits(server, "login").length, 2);
  }, new FakeClock(Date.now()));
});

Deno.test("after 3 failures the 4th login_start waits up to 1 s, is allowed after it, and a success resets the count", async () => {
  const clock = new FakeClock();
  await withServer([], async ({ open }) => {
    const { client } = await open("tcp");
    await register(client, "alice", "爱丽丝", PASSWORD);
    // Every login_start counts as a failure until login_finish succeeds: three unfinished starts are three failures.
    for (let i = 0; i < 3; i++) await loginStartOnly(client, "alice");
    const throttled = await expectCode(loginStartOnly(client, "alice"), "throttled", "the 4th attempt");
    assert.ok(throttled.retryAfterMs! > 0 && throttled.retryAfterMs! <= 1000, `retryAfterMs ${throttled.retryAfterMs}`);
    assert.match(throttled.message, /try again/);
    await expectCode(loginStartOnly(client, "alice"), "throttled", "a retry before the wait is over");

    clock.tick(throttled.retryAfterMs!);
    await login(client, "alice", PASSWORD);
    await client.request(Op.logout, {});

    // Without the reset, the next attempt would wait 2 s; with it, three are free again and the 4th waits 1 s.
    for (let i = 0; i < 3; i++) await loginStartOnly(client, "alice");
    const again = await expectCode(loginStartOnly(client, "alice"), "throttled", "the 4th attempt after the reset");
    assert.ok(again.retryAfterMs! <= 1000, `retryAfterMs ${again.retryAfterMs}`);
  }, clock);
});

Deno.test("20 failures from one address across accounts throttle that address, not others", async () => {
  await withServer([], async ({ open }) => {
    const sprayer = await open("tcp", { from: "127.0.0.3" });
    for (let i = 0; i < 20; i++) await loginStartOnly(sprayer.client, `victim${i}`);
    const throttled = await expectCode(loginStartOnly(sprayer.client, "untouched"), "throttled", "the 21st attempt");
    assert.ok(throttled.retryAfterMs! > 0 && throttled.retryAfterMs! <= 1000, `retryAfterMs ${throttled.retryAfterMs}`);
    const other = await open("ws");
    const answer = await loginStartOnly(other.client, "untouched") as { response: unknown };
    assert.equal(typeof answer.response, "string", "127.0.0.1 is not slowed by 127.0.0.3");
  });
});

Deno.test("nickname and font persist across logout and a new login; bad values and logged-out calls are refused", async () => {
  await withServer([], async ({ open }) => {
    const c = await open("tcp");
    const { client } = c;
    const profile = await register(client, "dora", "朵拉", PASSWORD);

    for (
      const [op, body] of [
        [Op.setNickname, { nickname: "小红帽" }],
        [Op.setFont, { family: "Noto Sans SC", size: 14 }],
        [Op.logout, {}],
        [Op.passwordStart, { request: "x" }],
        [Op.passwordFinish, { record: "x" }],
      ] as const
    ) {
      await expectCode(client.request(op, body), "not_logged_in", `opcode ${op} before login`);
    }

    await login(client, "dora", PASSWORD);
    const named = await client.request(Op.setNickname, { nickname: " 小红帽 " }) as unknown as ProfileAnswer;
    assert.deepEqual(named.user, { ...profile, nickname: "小红帽" });
    await expectCode(client.request(Op.setNickname, { nickname: "a\nb" }), "nickname_invalid", "a line break");
    const font = { family: "Noto Sans SC", size: 14 };
    const fonted = await client.request(Op.setFont, font) as unknown as ProfileAnswer;
    assert.deepEqual(fonted.user.font, font);

    for (
      const bad of [
        { family: "Noto Sans SC", size: 7 },
        { family: "Noto Sans SC", size: 73 },
        { family: "Noto Sans SC", size: 14.5 },
        { family: "Noto Sans SC", size: "14" },
        { family: "", size: 14 },
        { family: "   ", size: 14 },
        { family: "x".repeat(65), size: 14 },
        { family: 12, size: 14 },
        { family: "Noto Sans SC" },
      ]
    ) {
      await expectCode(client.request(Op.setFont, bad as Value), "bad_request", JSON.stringify(bad));
    }
    assert.deepEqual(await client.request(Op.logout, {}), {});
    await expectCode(client.request(Op.setFont, font), "not_logged_in", "set_font after logout");

    const other = await open("ws");
    const bundle = await login(other.client, "dora", PASSWORD);
    assert.deepEqual(bundle.user, { ...profile, nickname: "小红帽", font }, "unchanged by the refused values");
    const cleared = await other.client.request(Op.setFont, { family: null, size: null }) as unknown as ProfileAnswer;
    assert.deepEqual(cleared.user.font, { family: null, size: null });
  });
});

Deno.test("after a password change the old password fails and the new one works", async () => {
  await withServer([], async ({ open }) => {
    const { client } = await open("tcp");
    await register(client, "pat", "帕特", PASSWORD);
    await login(client, "pat", PASSWORD);
    await expectCode(client.request(Op.passwordFinish, { record: "x" }), "out_of_order", "password_finish first");
    const fresh = "新的密码 new password";
    await changePassword(client, fresh);
    await client.request(Op.logout, {});

    const other = await open("ws");
    await expectCode(login(other.client, "pat", PASSWORD), "credentials_wrong", "the old password");
    const bundle = await login(other.client, "pat", fresh);
    assert.equal(bundle.user.username, "pat");
  });
});

Deno.test("requests out of order or in the wrong state are refused with out_of_order and already_logged_in", async () => {
  await withServer([], async ({ open }) => {
    const { client } = await open("tcp");
    await expectCode(client.request(Op.registerFinish, { record: "x" }), "out_of_order", "register_finish alone");
    const finish = { finish: "x", proof: new Uint8Array(32) };
    await expectCode(client.request(Op.loginFinish, finish), "out_of_order", "login_finish alone");

    // register_finish must follow register_start on the same connection.
    await opaque.ready;
    const { registrationRequest } = opaque.client.startRegistration({ password: PASSWORD });
    await client.request(Op.registerStart, { username: "quinn", nickname: "奎因", request: registrationRequest });
    const elsewhere = await open("ws");
    await expectCode(
      elsewhere.client.request(Op.registerFinish, { record: "x" }),
      "out_of_order",
      "another connection",
    );

    await register(client, "quinn", "奎因", PASSWORD);
    await login(client, "quinn", PASSWORD);
    await expectCode(loginStartOnly(client, "quinn"), "already_logged_in", "login_start while logged in");
    await client.request(Op.logout, {});
    const bundle = await login(client, "quinn", PASSWORD);
    assert.equal(bundle.user.username, "quinn", "the connection logs in again after logout");
  });
});

Deno.test("a registration record the OPAQUE library cannot use is refused and nothing is stored", async () => {
  await withServer([], async ({ open, server }) => {
    const { client } = await open("tcp");
    await opaque.ready;
    const { registrationRequest } = opaque.client.startRegistration({ password: PASSWORD });
    await client.request(Op.registerStart, { username: "rita", nickname: "丽塔", request: registrationRequest });
    await expectCode(client.request(Op.registerFinish, { record: "garbage" }), "bad_request", "a garbage record");
    assert.equal(await withStore(server, (store) => store.users.findByKey("rita")), undefined);

    // The same check guards a password change, which would otherwise lock the account.
    await register(client, "rita", "丽塔", PASSWORD);
    await login(client, "rita", PASSWORD);
    const { registrationRequest: again } = opaque.client.startRegistration({ password: "new one" });
    await client.request(Op.passwordStart, { request: again });
    await expectCode(client.request(Op.passwordFinish, { record: "A".repeat(256) }), "bad_request", "a bad record");
    await client.request(Op.logout, {});
    await login(client, "rita", PASSWORD);
  });
});

Deno.test("a password change begun before logout cannot be finished under another account", async () => {
  await withServer([], async ({ open }) => {
    const { client } = await open("tcp");
    await register(client, "sam", "山姆", PASSWORD);
    await register(client, "tess", "苔丝", PASSWORD);
    await login(client, "sam", PASSWORD);
    await opaque.ready;
    const { registrationRequest } = opaque.client.startRegistration({ password: "sam's new" });
    await client.request(Op.passwordStart, { request: registrationRequest });
    await client.request(Op.logout, {});
    await login(client, "tess", PASSWORD);
    await expectCode(client.request(Op.passwordFinish, { record: "x" }), "out_of_order", "finish after logout");
    await client.request(Op.logout, {});
    await login(client, "tess", PASSWORD);
  });
});

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const ROOT = new URL("../", import.meta.url).pathname;

/** `main.ts serve` in a subprocess on free ports; resolves once it printed its `ready` line. */
async function serveProcess(dataDir: string): Promise<{ child: Deno.ChildProcess; target: Target }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", "--server.tcpPort=0", "--server.httpPort=0", `--server.dataDir=${dataDir}`],
    cwd: ROOT,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const ready = await deadline(
    (async () => {
      while (true) {
        const { value, done } = await lines.read();
        if (done) throw new Error("The server exited before it was ready");
        buffered += value;
        for (const line of buffered.split("\n").slice(0, -1)) {
          const record = JSON.parse(line);
          if (record.event === "ready") return record as { tcp: string; web: string; fingerprint: string };
        }
        buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
      }
    })(),
    20_000,
    "the server's ready line",
  );
  // Keep draining stdout so the server never blocks on a full pipe; it ends when the process does.
  void (async () => {
    while (!(await lines.read()).done) { /* discard */ }
  })();
  const web = new URL(ready.web);
  return {
    child,
    target: {
      tcpPort: Number(ready.tcp.split(":").at(-1)),
      wsUrl: `ws://127.0.0.1:${web.port}/ws`,
      fingerprint: ready.fingerprint,
    },
  };
}

Deno.test("a registration answered before SIGKILL survives: the restarted server logs the user in with the same key", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mimi_kill_" });
  const children: Deno.ChildProcess[] = [];
  try {
    const first = await serveProcess(dataDir);
    children.push(first.child);
    const before = await connect(first.target, "tcp");
    const profile = await register(before.client, "Survivor", "幸存者", PASSWORD);
    first.child.kill("SIGKILL"); // the moment the register_finish response arrived
    const status = await deadline(first.child.status, 10_000, "the killed server to exit");
    assert.equal(status.signal, "SIGKILL");
    await deadline(before.client.closed, 5000, "the client to notice");

    const second = await serveProcess(dataDir);
    children.push(second.child);
    assert.equal(second.target.fingerprint, first.target.fingerprint, "the identity file persisted");
    const after = await connect(second.target, "ws");
    try {
      const bundle = await login(after.client, "survivor", PASSWORD);
      assert.deepEqual(withoutLobby(bundle), emptyBundle(profile));
    } finally {
      after.client.close();
      await deadline(after.client.closed, 5000, "the client to close");
    }
    second.child.kill("SIGTERM");
    assert.equal((await deadline(second.child.status, 10_000, "the server to stop")).code, 0);
  } finally {
    for (const child of children) {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited, as it should have.
      }
      await child.status;
    }
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("the audit log names every account action and no log line holds a password, session key or record", async () => {
  await withServer([GRACE], async ({ server, open }) => {
    const wrongPassword = "wrong horse 电池";
    const newPassword = "另一个 password 2";
    const recordOf = () =>
      withStore(
        server,
        async (store) => new TextDecoder().decode((await store.users.findByKey("alice"))!.registrationRecord),
      );

    const c1 = await open("tcp");
    await register(c1.client, "alice", "爱丽丝", PASSWORD);
    const firstRecord = await recordOf();
    await expectCode(login(c1.client, "alice", wrongPassword), "credentials_wrong", "the wrong password");
    const firstLogin = await startLogin(c1.client, "alice", PASSWORD);
    await firstLogin.finish();

    const c2 = await open("ws");
    const secondLogin = await startLogin(c2.client, "alice", PASSWORD);
    await secondLogin.finish();
    await deadline(c1.client.closed, 3000, "the kicked connection to close");

    const guesser = await open("tcp");
    for (let i = 0; i < 3; i++) await loginStartOnly(guesser.client, "alice");
    await expectCode(loginStartOnly(guesser.client, "alice"), "throttled", "the 4th attempt");

    await changePassword(c2.client, newPassword);
    const secondRecord = await recordOf();
    assert.notEqual(secondRecord, firstRecord);
    await c2.client.request(Op.logout, {});

    assert.deepEqual(audits(server).map((r) => r.action), [
      "register",
      "login_failed", // the wrong password, noticed when the connection started its next login
      "login",
      "kick",
      "login",
      "login_failed",
      "login_failed",
      "login_failed",
      "throttle",
      "password_change",
      "logout",
    ]);
    for (const record of audits(server)) {
      assert.equal(typeof record.remote === "string" || typeof record.new === "string", true, "says from where");
    }

    // Passwords never reach the server; session keys and records do and must stay out of the logs, whole or cut.
    const secrets: string[] = [PASSWORD, wrongPassword, newPassword];
    for (const { sessionKey } of [firstLogin, secondLogin]) {
      const bytes = Uint8Array.from(atob(sessionKey.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
      secrets.push(sessionKey, hex(bytes), btoa(String.fromCharCode(...bytes)));
    }
    for (const record of [firstRecord, secondRecord]) {
      for (let i = 0; i + 24 <= record.length; i += 24) secrets.push(record.slice(i, i + 24));
    }
    const lines = server.logs.map((r) => JSON.stringify(r));
    assert.ok(lines.length > 20, "there are log lines to search");
    for (const secret of secrets) {
      const leak = lines.find((line) => line.includes(secret));
      assert.equal(leak, undefined, `a log line holds a secret: ${leak}`);
    }
  });
});

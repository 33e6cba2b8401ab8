// Registration over real sockets (PROTOCOL.md §10.2, §10.7): rate limits per address and per server, "taken" answers
// throttled like failed logins, registration modes, invite codes (also made by `mimi invite` while the server runs
// and used by `mimi client register --invite`), and the first login after registering never being throttled.

import assert from "node:assert/strict";
import * as opaque from "@serenity-kit/opaque";
import type { Value } from "../core/codec/value.ts";
import { login, register } from "../core/client/accounts.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { FakeClock } from "../core/time/clock.ts";
import { createInvites, inviteCodeHash } from "../server/services/accounts/invites.ts";
import {
  type ClientsContext,
  type Connected,
  expectCode,
  KEY_STRETCHING,
  loginStartOnly,
  withClients,
  withStore,
} from "./_accounts_helpers.ts";
import type { TestServer } from "./_harness.ts";

const PASSWORD = "correct horse 电池 staple";
const HOUR = 3_600_000;

/** Runs `fn` with a server started with `flags`; afterwards the server must have logged no error. */
const withServer = (flags: string[], fn: (context: ClientsContext) => Promise<void>) => withClients(fn, { flags });

let replayable: Promise<string> | undefined;

/**
 * One stretched registration record, made once, as the review's attacker did: the server only checks that a record
 * parses, so the same one serves any number of new usernames without paying for Argon2 again.
 */
function replayedRecord(): Promise<string> {
  return replayable ??= (async () => {
    await opaque.ready;
    const serverSetup = opaque.server.createSetup();
    const steps = opaque.client.startRegistration({ password: PASSWORD });
    const { registrationResponse } = opaque.server.createRegistrationResponse({
      serverSetup,
      userIdentifier: "replayed",
      registrationRequest: steps.registrationRequest,
    });
    return opaque.client.finishRegistration({
      clientRegistrationState: steps.clientRegistrationState,
      registrationResponse,
      password: PASSWORD,
      keyStretching: KEY_STRETCHING,
    }).registrationRecord;
  })();
}

/** `register_start` with a fresh, cheap RegistrationRequest (no Argon2); `extra` adds fields such as `invite`. */
async function registerStart(via: Connected, username: string, extra: Record<string, Value> = {}): Promise<Value> {
  await opaque.ready;
  const { registrationRequest } = opaque.client.startRegistration({ password: PASSWORD });
  return await via.client.request(Op.registerStart, {
    username,
    nickname: "测试",
    request: registrationRequest,
    ...extra,
  });
}

/** A whole registration with the replayed record. */
async function cheapRegister(via: Connected, username: string, extra: Record<string, Value> = {}): Promise<Value> {
  await registerStart(via, username, extra);
  return await via.client.request(Op.registerFinish, { record: await replayedRecord() });
}

function userExists(server: TestServer, key: string): Promise<boolean> {
  return withStore(server, async (store) => await store.users.findByKey(key) !== undefined);
}

Deno.test("registrations over server.limits.registrationsPerIpPerHour are refused at register_start with rate_limited, before any OPAQUE work", async () => {
  await withServer(["--server.limits.registrationsPerIpPerHour=3"], async ({ server, open }) => {
    const attacker = await open("tcp");
    // Only accounts actually created count: starts without a finish, and taken names, cost nothing.
    for (let i = 0; i < 5; i++) await registerStart(attacker, `unfinished${i}`);
    await cheapRegister(attacker, "replayed0");
    await expectCode(cheapRegister(attacker, "replayed0"), "username_taken", "a taken name");
    for (let i = 1; i < 3; i++) await cheapRegister(attacker, `replayed${i}`);

    // A RegistrationRequest the OPAQUE library would reject: the refusal comes before it is looked at.
    const body = { username: "replayed3", nickname: "测试", request: "not an OPAQUE message" };
    const refused = await expectCode(attacker.client.request(Op.registerStart, body), "rate_limited", "the 4th");
    assert.ok(refused.retryAfterMs! > 0 && refused.retryAfterMs! <= HOUR / 3, `retryAfterMs ${refused.retryAfterMs}`);
    assert.match(refused.message, /try again in \d+ min/);
    await expectCode(cheapRegister(attacker, "replayed3"), "rate_limited", "a well-formed 4th");
    assert.equal(await userExists(server, "replayed3"), false);
    assert.equal(await attacker.client.echo("still open"), "still open", "rate_limited leaves the connection open");
    assert.equal(server.logs.filter((r) => r.event === "audit" && r.action === "register_limited").length, 2);

    const elsewhere = await open("tcp", { from: "127.0.0.2" });
    await cheapRegister(elsewhere, "elsewhere");
    assert.equal(await userExists(server, "elsewhere"), true, "another address has its own allowance");
  });
});

Deno.test("registrations over server.limits.registrationsPerHour from all addresses together are refused", async () => {
  await withServer(["--server.limits.registrationsPerHour=4"], async ({ open }) => {
    for (const [i, from] of ["127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2"].entries()) {
      await cheapRegister(await open("tcp", { from }), `global${i}`);
    }
    const fresh = await open("tcp", { from: "127.0.0.3" });
    const refused = await expectCode(registerStart(fresh, "global4"), "rate_limited", "the 5th account");
    assert.ok(refused.retryAfterMs! > 0 && refused.retryAfterMs! <= HOUR / 4, `retryAfterMs ${refused.retryAfterMs}`);
  });
});

Deno.test("register_finish is refused with rate_limited when another connection used the address's last registration meanwhile", async () => {
  await withServer(["--server.limits.registrationsPerIpPerHour=1"], async ({ server, open }) => {
    const [a, b] = [await open("tcp"), await open("ws")];
    await registerStart(a, "first");
    await registerStart(b, "second");
    const record = await replayedRecord();
    await a.client.request(Op.registerFinish, { record });
    await expectCode(b.client.request(Op.registerFinish, { record }), "rate_limited", "the second finish");
    assert.equal(await userExists(server, "first"), true);
    assert.equal(await userExists(server, "second"), false);
  });
});

Deno.test("register_start answers username_taken 20 times from one address, then throttled for taken and free names alike", async () => {
  await withServer([], async ({ server, open }) => {
    await cheapRegister(await open("tcp"), "alice");
    const prober = await open("tcp", { from: "127.0.0.4" });
    for (let i = 0; i < 20; i++) await expectCode(registerStart(prober, "alice"), "username_taken", `probe ${i + 1}`);
    const throttled = await expectCode(registerStart(prober, "alice"), "throttled", "the 21st probe");
    assert.ok(throttled.retryAfterMs! > 0 && throttled.retryAfterMs! <= 1000, `retryAfterMs ${throttled.retryAfterMs}`);
    // Otherwise the refusal itself would tell a free name from a taken one.
    await expectCode(registerStart(prober, "free.name"), "throttled", "a free name from the throttled address");
    await expectCode(loginStartOnly(prober.client, "alice"), "throttled", "a login from the throttled address");
    assert.equal(
      server.logs.some((r) => r.event === "audit" && r.action === "throttle" && r.op === "register_start"),
      true,
    );

    const other = await open("tcp", { from: "127.0.0.5" });
    await expectCode(registerStart(other, "alice"), "username_taken", "another address");
  });
});

Deno.test("login guesses and registration probes from one address share one budget of 20 failures", async () => {
  await withServer([], async ({ open }) => {
    await cheapRegister(await open("tcp"), "alice");
    const mixer = await open("tcp", { from: "127.0.0.6" });
    for (let i = 0; i < 10; i++) await loginStartOnly(mixer.client, `guess${i}`);
    for (let i = 0; i < 10; i++) await expectCode(registerStart(mixer, "alice"), "username_taken", `probe ${i + 1}`);
    await expectCode(registerStart(mixer, "alice"), "throttled", "the 21st failure, a probe");
    await expectCode(loginStartOnly(mixer.client, "untried"), "throttled", "the 21st failure, a login");
  });
});

Deno.test("the first login of an account just registered on the connection is not throttled by earlier failures", async () => {
  // The server's clock stands still: the throttle must not wear off while a loaded machine stretches three passwords.
  await withClients(async ({ server, open }) => {
    const from = "127.0.0.7";
    const newcomer = await open("tcp", { from });
    // The user tries to log in before having an account: three failures for the pair (newbie, address).
    for (let i = 0; i < 3; i++) {
      await expectCode(login(newcomer.client, "newbie", PASSWORD), "credentials_wrong", `attempt ${i + 1}`);
    }
    const elsewhere = await open("tcp", { from });
    await expectCode(loginStartOnly(elsewhere.client, "newbie"), "throttled", "the pair is throttled");

    const profile = await register(newcomer.client, "newbie", "新人", PASSWORD);
    const bundle = await login(newcomer.client, "newbie", PASSWORD);
    assert.deepEqual(bundle.user, profile, "the automatic login after registering succeeds");
    assert.equal(server.logs.filter((r) => r.event === "audit" && r.action === "login").length, 1);
  }, { clock: new FakeClock(Date.now()) });
});

Deno.test("server.registration=closed refuses register_start with registration_closed and stores nothing", async () => {
  await withServer(["--server.registration=closed"], async ({ server, open }) => {
    const { client } = await open("tcp");
    const refused = await expectCode(register(client, "nobody", "无名", PASSWORD), "registration_closed", "register");
    assert.equal(refused.message, "This server does not accept new accounts");
    await expectCode(
      register(client, "nobody", "无名", PASSWORD, { invite: "abcd" }),
      "registration_closed",
      "with an invite",
    );
    assert.equal(await userExists(server, "nobody"), false);
    await expectCode(login(client, "nobody", PASSWORD), "credentials_wrong", "logins still work as before");
  });
});

Deno.test("server.registration=invite: no code is invite_required; unknown, used, expired and malformed codes get one answer; a valid code makes one account", async () => {
  await withServer(["--server.registration=invite"], async ({ server, open }) => {
    const now = Date.now();
    const { codes } = await withStore(server, (store) => createInvites(store, { count: 2, days: 1, now }));
    const [expired] = await withStore(
      server,
      async (store) => (await createInvites(store, { count: 1, days: 1, now: now - 2 * 86_400_000 })).codes,
    );
    const { client } = await open("tcp");

    const required = await expectCode(register(client, "ivy", "艾薇", PASSWORD), "invite_required", "no code");
    assert.match(required.message, /invite code/);
    await expectCode(register(client, "ivy", "艾薇", PASSWORD, { invite: "  " }), "invite_required", "a blank code");

    // Typed in capitals, with spaces instead of hyphens: still the code.
    const sloppy = codes[0].toUpperCase().replaceAll("-", " ");
    const ivy = await register(client, "ivy", "艾薇", PASSWORD, { invite: sloppy });
    assert.equal(ivy.username, "ivy");
    const messages = [];
    for (
      const [what, invite] of [["used", codes[0]], ["expired", expired], ["unknown", "a".repeat(32)], [
        "malformed",
        "nope",
      ]]
    ) {
      messages.push(
        (await expectCode(register(client, "ivan", "伊万", PASSWORD, { invite }), "invite_invalid", what)).message,
      );
    }
    assert.deepEqual(new Set(messages).size, 1, "one answer for all four");
    assert.equal(await userExists(server, "ivan"), false);
    await expectCode(
      client.request(Op.registerStart, { username: "ivan", nickname: "伊万", request: "x", invite: 42 }),
      "bad_request",
      "an invite that is not a string",
    );

    await register(client, "ivan", "伊万", PASSWORD, { invite: codes[1] });
    const bundle = await login(client, "ivan", PASSWORD);
    assert.equal(bundle.user.username, "ivan");
    for (const line of server.logs.map((r) => JSON.stringify(r))) {
      for (const code of [...codes, expired]) {
        assert.equal(line.includes(code) || line.includes(code.replaceAll("-", "")), false, `a log line holds a code`);
      }
    }
  });
});

Deno.test("an invite code is spent by only one of two registrations that race for it", async () => {
  await withServer(["--server.registration=invite"], async ({ server, open }) => {
    const [code] = await withStore(
      server,
      async (store) => (await createInvites(store, { count: 1, days: 7, now: Date.now() })).codes,
    );
    const [a, b] = [await open("tcp"), await open("ws")];
    await registerStart(a, "racer.a", { invite: code });
    await registerStart(b, "racer.b", { invite: code });
    const record = await replayedRecord();
    await a.client.request(Op.registerFinish, { record });
    await expectCode(b.client.request(Op.registerFinish, { record }), "invite_invalid", "the second finish");
    assert.equal(await userExists(server, "racer.a"), true);
    assert.equal(await userExists(server, "racer.b"), false, "no account without a code");
  });
});

Deno.test("server.registration=open ignores an invite field", async () => {
  await withServer([], async ({ server, open }) => {
    await cheapRegister(await open("tcp"), "opal", { invite: "whatever" });
    assert.equal(await userExists(server, "opal"), true);
  });
});

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const ROOT = new URL("../", import.meta.url).pathname;

/** Runs `main.ts` as `deno task invite` does, with only read, write and env permissions; `input` goes to stdin. */
async function run(args: string[], options: { permissions?: string[]; env?: Record<string, string>; input?: string }) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...(options.permissions ?? ["--allow-read", "--allow-write", "--allow-env"]), MAIN, ...args],
    cwd: ROOT,
    env: options.env,
    stdin: options.input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.input));
    await writer.close();
  }
  const output = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("mimi invite prints codes while the server runs, and mimi client register --invite uses one", async () => {
  await withServer(["--server.registration=invite"], async ({ server, open }) => {
    const dataDir = `--server.dataDir=${server.server.dataDir}`;
    const before = Date.now();
    // As `deno task invite -- --count 2 --days=3` runs it: the task passes its `--` through.
    const made = await run(["invite", "--", "--count", "2", "--days=3", dataDir], {});
    assert.equal(made.code, 0, made.stderr);
    const codes = made.stdout.trimEnd().split("\n");
    assert.equal(codes.length, 2);
    for (const code of codes) assert.match(code, /^([a-z2-7]{4}-){7}[a-z2-7]{4}$/, "160 random bits in base32");
    assert.notEqual(codes[0], codes[1]);
    assert.equal(made.stderr.trimEnd().split("\n").length, 1, `one line of hint: ${made.stderr}`);
    assert.match(made.stderr, /^2 invite codes, one account each, until \d{4}-.*register --invite CODE/);
    const expiry = Date.parse(made.stderr.match(/until (\S+);/)![1]);
    assert.ok(Math.abs(expiry - (before + 3 * 86_400_000)) < 60_000, "valid for 3 days");

    const stored = await withStore(
      server,
      (store) => Promise.all(codes.map((code) => store.invites.findUsable(inviteCodeHash(code)!, Date.now()))),
    );
    assert.ok(stored.every((invite) => invite !== undefined && invite.usedAt === null), "stored by hash");

    const env = {
      MIMI_CLIENT_TCP_PORT: String(server.tcpPort),
      MIMI_CLIENT_KNOWN_SERVERS_FILE: await Deno.makeTempFile({ prefix: "mimi_known_" }),
    };
    const cli = ["--allow-all"]; // the client writes its pinned key
    const registered = await run(["client", "register", "--invite", codes[0], "Quinn", "奎因"], {
      permissions: cli,
      env,
      input: "a password\n",
    });
    assert.equal(registered.code, 0, registered.stderr);
    assert.match(registered.stdout, /Registered Quinn \(奎因\)/);
    const again = await run(["client", "register", `--invite=${codes[0]}`, "Rory", "罗里"], {
      permissions: cli,
      env,
      input: "a password\n",
    });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /invite code is unknown, used or expired/);
    const { client } = await open("ws");
    assert.equal((await login(client, "quinn", "a password")).user.username, "Quinn");
  });
});

Deno.test("mimi invite refuses a count or days out of range and unknown arguments with exit code 2", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mimi_invite_" });
  try {
    for (const args of [["--count", "0"], ["--days", "366"], ["--count"], ["--colour", "blue"]]) {
      const { code, stdout, stderr } = await run(["invite", ...args, `--server.dataDir=${dataDir}`], {});
      assert.equal(code, 2, args.join(" "));
      assert.equal(stdout, "");
      assert.match(stderr, /Usage: mimi invite/);
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

// Tests for the two handshake state machines run against each other in memory: all 48 suites, then every refusal.

import assert from "node:assert/strict";
import { decodeValue, encodeValue, type Value } from "../codec/value.ts";
import { HandshakeError, type HandshakeFailure } from "./errors.ts";
import {
  type ClientHelloSent,
  type HandshakeResult,
  readServerHello,
  writeClientFinished,
  writeClientHello,
} from "./handshake_client.ts";
import { ContentType, encodeAlert, encodeServerHello, encodeServerHelloBody } from "./handshake_messages.ts";
import {
  type ClientHelloReceived,
  readClientFinished,
  readClientHello,
  type ServerHandshakeOptions,
  type ServerHelloSent,
  writeServerHello,
} from "./handshake_server.ts";
import { fingerprint, publicKeys, type ServerKeys } from "./identity.ts";
import { InnerType, RecordOpener, RecordSealer } from "./record.ts";
import { ALGORITHMS, type Suite, suiteName, type SuitePreferences } from "./suites.ts";
import { concatBytes, hex, utf8 } from "../bytes/mod.ts";
import { FFDHE_GROUPS, ffdheGroup } from "./primitives/ffdhe.ts";
import { nobleProvider } from "./primitives/noble.ts";
import type { CryptoProvider, KexGroupParams } from "./primitives/types.ts";
import { webCryptoProvider } from "./primitives/webcrypto.ts";
import { signatureInput } from "./_transcript.ts";

const WEBCRYPTO = await webCryptoProvider();
/** The smallest RFC 7919 group keeps the ffdhe suites fast; the group size does not change the state machines. */
const GROUP = FFDHE_GROUPS.ffdhe2048;
const KEYS: ServerKeys = {
  ed25519: nobleProvider.signature("ed25519").generateKeyPair(),
  "ecdsa-p256": nobleProvider.signature("ecdsa-p256").generateKeyPair(),
};

const SUITES: Suite[] = ALGORITHMS.kex.flatMap((kex) =>
  ALGORITHMS.aead.flatMap((aead) =>
    ALGORITHMS.hash.flatMap((hash) => ALGORITHMS.sig.map((sig) => ({ kex, aead, hash, sig })))
  )
);

function only(suite: Suite): SuitePreferences {
  return { kex: [suite.kex], aead: [suite.aead], hash: [suite.hash], sig: [suite.sig] };
}

function serverOptions(overrides: Partial<ServerHandshakeOptions> = {}): ServerHandshakeOptions {
  return {
    provider: nobleProvider,
    accept: ALGORITHMS,
    group: GROUP,
    keys: KEYS,
    maxFrameBytes: 1 << 20,
    ...overrides,
  };
}

interface Setup {
  offer?: SuitePreferences;
  clientProvider?: CryptoProvider;
  clientGroup?: KexGroupParams;
  server?: Partial<ServerHandshakeOptions>;
}

interface Completed {
  sent: ClientHelloSent;
  server: ServerHandshakeOptions;
  received: ClientHelloReceived;
  serverSent: ServerHelloSent;
  result: HandshakeResult;
  finished: Uint8Array;
}

/** Runs all three messages; throws whatever the first refusing side throws. */
async function handshake(setup: Setup = {}): Promise<Completed> {
  const sent = await writeClientHello({
    provider: setup.clientProvider ?? nobleProvider,
    offer: setup.offer ?? ALGORITHMS,
    group: setup.clientGroup ?? GROUP,
  });
  const server = serverOptions(setup.server);
  const received = readClientHello(server, sent.payload);
  const serverSent = await writeServerHello(server, received);
  const result = await readServerHello(sent, serverSent.payload);
  const finished = writeClientFinished(sent, result, serverSent.payload);
  readClientFinished(server, serverSent, finished);
  return { sent, server, received, serverSent, result, finished };
}

function isRefusal(kind: HandshakeFailure, message?: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof HandshakeError, `expected a HandshakeError ${kind}, got ${error}`);
    assert.equal(error.kind, kind, error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}

/** Re-encodes a handshake payload after `change` has edited its decoded map. */
function editHandshake(payload: Uint8Array, change: (map: Record<string, Value>) => void): Uint8Array {
  const map = decodeValue(payload.subarray(1)) as Record<string, Value>;
  change(map);
  return concatBytes(Uint8Array.of(ContentType.handshake), encodeValue(map));
}

/** Re-encodes a ServerHello after `change` has edited its signed body (the signature is left as it was). */
function editServerBody(payload: Uint8Array, change: (body: Record<string, Value>) => void): Uint8Array {
  return editHandshake(payload, (outer) => {
    const body = decodeValue(outer.hello as Uint8Array) as Record<string, Value>;
    change(body);
    outer.hello = encodeValue(body);
  });
}

/** A ServerHello for `received` with any body, correctly signed with the server's key for `suite.sig`. */
async function signedServerHello(
  received: ClientHelloReceived,
  suite: Suite,
  share: Uint8Array,
  identity = publicKeys(KEYS),
): Promise<Uint8Array> {
  const signedBody = encodeServerHelloBody({
    random: new Uint8Array(32),
    suite,
    share,
    identity,
    maxFrameBytes: 1 << 20,
  });
  const input = signatureInput(nobleProvider.hash(suite.hash), received.payload, signedBody);
  const signature = await nobleProvider.signature(suite.sig).sign(KEYS[suite.sig]!.secretKey, input);
  return encodeServerHello(signedBody, signature);
}

// --- every suite, every provider pairing ---------------------------------------------------------------

const PAIRINGS: [string, CryptoProvider, CryptoProvider][] = [
  ["noble client, noble server", nobleProvider, nobleProvider],
  ["webcrypto client, noble server", WEBCRYPTO, nobleProvider],
  ["noble client, webcrypto server", nobleProvider, WEBCRYPTO],
];

for (const suite of SUITES) {
  for (const [pairing, clientProvider, serverProvider] of PAIRINGS) {
    Deno.test(`handshake agrees on ${suiteName(suite)} and its secrets (${pairing})`, async () => {
      const { result, serverSent } = await handshake({
        offer: only(suite),
        clientProvider,
        server: { provider: serverProvider },
      });
      assert.deepEqual(result.suite, suite);
      assert.deepEqual(serverSent.suite, suite);
      const length = suite.hash === "sha256" ? 32 : 48;
      for (const key of ["clientTraffic", "serverTraffic", "clientFinished", "exporter"] as const) {
        assert.equal(result.secrets[key].length, length, key);
        assert.equal(hex(result.secrets[key]), hex(serverSent.secrets[key]), key);
      }
      assert.deepEqual(result.identity, publicKeys(KEYS));
      assert.equal(result.fingerprint, fingerprint(nobleProvider, publicKeys(KEYS)));

      // The secrets work: one record each way, sealed by one provider and opened by the other.
      const records = { padding: 32, rekeyAfterRecords: 100, rekeyAfterBytes: 1 << 20 };
      const up = await RecordSealer.create(clientProvider, suite, result.secrets.clientTraffic, records);
      const upOpen = await RecordOpener.create(serverProvider, suite, serverSent.secrets.clientTraffic);
      const down = await RecordSealer.create(serverProvider, suite, serverSent.secrets.serverTraffic, records);
      const downOpen = await RecordOpener.create(clientProvider, suite, result.secrets.serverTraffic);
      const [upRecord] = await up.seal(InnerType.data, utf8("ping"));
      const [downRecord] = await down.seal(InnerType.data, utf8("pong"));
      assert.deepEqual((await upOpen.open(upRecord)).body, utf8("ping"));
      assert.deepEqual((await downOpen.open(downRecord)).body, utf8("pong"));
    });
  }
}

Deno.test("handshake with the default offer picks the server's first preferences", async () => {
  const { result } = await handshake();
  assert.deepEqual(result.suite, { kex: "x25519-mlkem768", aead: "aes-256-gcm", hash: "sha256", sig: "ed25519" });
});

Deno.test("handshake follows the server's order, not the client's", async () => {
  const { result } = await handshake({
    offer: {
      kex: ["p256", "x25519"],
      aead: ["aes-128-gcm", "chacha20-poly1305"],
      hash: ["sha256", "sha384"],
      sig: ["ecdsa-p256", "ed25519"],
    },
    server: {
      accept: { kex: ["x25519", "p256"], aead: ["chacha20-poly1305"], hash: ["sha384", "sha256"], sig: ALGORITHMS.sig },
    },
  });
  assert.deepEqual(result.suite, { kex: "x25519", aead: "chacha20-poly1305", hash: "sha384", sig: "ed25519" });
});

Deno.test("handshake twice with the same parties gives fresh randoms, shares and secrets", async () => {
  const a = await handshake({ offer: only(SUITES[0]) });
  const b = await handshake({ offer: only(SUITES[0]) });
  assert.notEqual(hex(a.sent.payload), hex(b.sent.payload));
  assert.notEqual(hex(a.serverSent.payload), hex(b.serverSent.payload));
  assert.notEqual(hex(a.result.secrets.exporter), hex(b.result.secrets.exporter));
  assert.equal(a.result.fingerprint, b.result.fingerprint);
});

Deno.test("writeClientHello() throws a TypeError when ffdhe is offered without a group", async () => {
  await assert.rejects(
    writeClientHello({ provider: nobleProvider, offer: { ...ALGORITHMS, kex: ["ffdhe"] } }),
    { name: "TypeError", message: "Offering ffdhe needs a group" },
  );
});

// --- negotiation failures ------------------------------------------------------------------------------

for (const part of ["kex", "aead", "hash", "sig"] as const) {
  Deno.test(`readClientHello() refuses with no_common_suite naming ${part} when that category has no overlap`, async () => {
    const offer = { ...ALGORITHMS, [part]: [ALGORITHMS[part][0]] };
    const accept = { ...ALGORITHMS, [part]: ALGORITHMS[part].slice(1) };
    const sent = await writeClientHello({ provider: nobleProvider, offer, group: GROUP });
    assert.throws(
      () => readClientHello(serverOptions({ accept }), sent.payload),
      // ffdhe is listed only to a client that offered the server's group, which this one did not.
      isRefusal(
        "no_common_suite",
        new RegExp(`^No common ${part}: the server accepts ${accept[part].filter((id) => id !== "ffdhe").join(", ")}$`),
      ),
    );
  });
}

Deno.test("readClientHello() refuses a signature scheme the server holds no key for", async () => {
  const sent = await writeClientHello({
    provider: nobleProvider,
    offer: { ...ALGORITHMS, sig: ["ecdsa-p256"] },
    group: GROUP,
  });
  assert.throws(
    () => readClientHello(serverOptions({ keys: { ed25519: KEYS.ed25519 } }), sent.payload),
    isRefusal("no_common_suite", /^No common sig: the server accepts ed25519$/),
  );
  assert.throws(
    () => readClientHello(serverOptions({ keys: {} }), sent.payload),
    isRefusal("no_common_suite", /^No common sig: the server accepts nothing$/),
  );
});

Deno.test("readClientHello() chooses ffdhe when the client offers the server's own group", async () => {
  const { result } = await handshake({
    offer: { ...ALGORITHMS, kex: ["ffdhe", "x25519"] },
    server: { accept: { ...ALGORITHMS, kex: ["ffdhe", "x25519"] } },
  });
  assert.equal(result.suite.kex, "ffdhe");
});

Deno.test("readClientHello() does not choose ffdhe when the client offers another group", async () => {
  const sameModulusOtherBase = ffdheGroup(GROUP.p, 5n);
  for (const clientGroup of [FFDHE_GROUPS.ffdhe3072, sameModulusOtherBase]) {
    const { result } = await handshake({
      offer: { ...ALGORITHMS, kex: ["ffdhe", "x25519"] },
      clientGroup,
      server: { accept: { ...ALGORITHMS, kex: ["ffdhe", "x25519"] } },
    });
    assert.equal(result.suite.kex, "x25519", clientGroup.name);
    const sent = await writeClientHello({
      provider: nobleProvider,
      offer: { ...ALGORITHMS, kex: ["ffdhe"] },
      group: clientGroup,
    });
    assert.throws(
      () => readClientHello(serverOptions(), sent.payload),
      isRefusal("no_common_suite", /^No common kex: the server accepts x25519-mlkem768, x25519, p256$/),
    );
  }
});

Deno.test("readClientHello() ignores unknown algorithm names and the handshake still completes", async () => {
  const sent = await writeClientHello({ provider: nobleProvider, offer: only(SUITES[5]), group: GROUP });
  const payload = editHandshake(sent.payload, (map) => {
    map.kex = ["kyber-9000", ...(map.kex as string[])];
    map.aead = ["aes-512-ocb", ...(map.aead as string[])];
    map.hash = [...(map.hash as string[]), "sha3-512"];
    map.sig = ["rsa-pss", ...(map.sig as string[]), "toString"];
    (map.shares as Record<string, Value>)["kyber-9000"] = new Uint8Array(64);
  });
  // The client signs off on what it sent, so let it believe it sent the extended hello.
  const extended: ClientHelloSent = { ...sent, payload };
  const server = serverOptions();
  const received = readClientHello(server, payload);
  assert.deepEqual(received.suite, SUITES[5]);
  const serverSent = await writeServerHello(server, received);
  const result = await readServerHello(extended, serverSent.payload);
  readClientFinished(server, serverSent, writeClientFinished(extended, result, serverSent.payload));
  assert.deepEqual(result.suite, SUITES[5]);
});

// --- tampering: downgrade, signature, Finished -----------------------------------------------------------

for (const part of ["kex", "aead", "hash", "sig"] as const) {
  Deno.test(`readServerHello() refuses a signed choice of ${part} outside the offer as downgrade`, async () => {
    const offer: SuitePreferences = { kex: ["p256"], aead: ["aes-256-gcm"], hash: ["sha256"], sig: ["ed25519"] };
    const sent = await writeClientHello({ provider: nobleProvider, offer });
    const server = serverOptions();
    const received = readClientHello(server, sent.payload);
    const other = { kex: "x25519", aead: "chacha20-poly1305", hash: "sha384", sig: "ecdsa-p256" } as const;
    const suite: Suite = { ...received.suite, [part]: other[part] };
    // A server that ignores the offer: everything else (share, signature) is correct for its choice.
    const clientShare = part === "kex" ? (await nobleProvider.kex("x25519").start()).share : received.clientShare;
    const serverSent = await writeServerHello(server, { ...received, suite, clientShare });
    await assert.rejects(
      readServerHello(sent, serverSent.payload),
      isRefusal("downgrade", new RegExp(`^Server chose ${part} ${other[part]}, which was not offered$`)),
    );
  });
}

Deno.test("readServerHello() refuses with bad_signature when a man in the middle strips the preferred kex", async () => {
  const sent = await writeClientHello({ provider: nobleProvider, offer: ALGORITHMS, group: GROUP });
  const stripped = editHandshake(sent.payload, (map) => {
    map.kex = (map.kex as string[]).filter((kex) => kex !== "x25519-mlkem768");
    delete (map.shares as Record<string, Value>)["x25519-mlkem768"];
  });
  const server = serverOptions();
  const received = readClientHello(server, stripped);
  assert.equal(received.suite.kex, "x25519", "the server was fooled into a weaker choice");
  const serverSent = await writeServerHello(server, received);
  await assert.rejects(readServerHello(sent, serverSent.payload), isRefusal("bad_signature", /altered in transit/));
});

Deno.test("readServerHello() refuses with bad_signature when any ClientHello field was rewritten in transit", async () => {
  const edits: [string, (map: Record<string, Value>) => void][] = [
    ["random", (map) => (map.random = new Uint8Array(32).fill(1))],
    ["aead order", (map) => (map.aead = [...(map.aead as string[])].reverse())],
    ["an extra unknown name", (map) => (map.sig = [...(map.sig as string[]), "future-sig"])],
  ];
  for (const [what, edit] of edits) {
    const sent = await writeClientHello({ provider: nobleProvider, offer: ALGORITHMS, group: GROUP });
    const server = serverOptions();
    const serverSent = await writeServerHello(server, readClientHello(server, editHandshake(sent.payload, edit)));
    await assert.rejects(readServerHello(sent, serverSent.payload), isRefusal("bad_signature"), what);
  }
});

Deno.test("readServerHello() refuses with bad_signature when the signed body or the signature was changed", async () => {
  for (const sig of ALGORITHMS.sig) {
    const offer = { ...ALGORITHMS, sig: [sig] };
    const cases: [string, (payload: Uint8Array) => Uint8Array][] = [
      ["body random", (p) => editServerBody(p, (body) => ((body.random as Uint8Array)[0] ^= 1))],
      ["signature", (p) => editHandshake(p, (outer) => ((outer.signature as Uint8Array)[10] ^= 1))],
      ["empty signature", (p) => editHandshake(p, (outer) => (outer.signature = new Uint8Array(0)))],
    ];
    for (const [what, change] of cases) {
      const sent = await writeClientHello({ provider: nobleProvider, offer, group: GROUP });
      const server = serverOptions();
      const serverSent = await writeServerHello(server, readClientHello(server, sent.payload));
      await assert.rejects(
        readServerHello(sent, change(serverSent.payload)),
        isRefusal("bad_signature"),
        `${sig} ${what}`,
      );
    }
  }
});

Deno.test("readServerHello() refuses with bad_signature when the identity has no key for the chosen scheme", async () => {
  const sent = await writeClientHello({
    provider: nobleProvider,
    offer: { ...ALGORITHMS, sig: ["ecdsa-p256"] },
    group: GROUP,
  });
  const server = serverOptions();
  const received = readClientHello(server, sent.payload);
  const { share } = await nobleProvider.kex(received.suite.kex).respond(received.clientShare);
  const payload = await signedServerHello(received, received.suite, share, { ed25519: KEYS.ed25519!.publicKey });
  await assert.rejects(readServerHello(sent, payload), isRefusal("bad_signature", /no ecdsa-p256 key/));
});

Deno.test("readServerHello() gives another fingerprint for a server with other keys (the caller's key_changed)", async () => {
  const other: ServerKeys = { ed25519: nobleProvider.signature("ed25519").generateKeyPair() };
  const { result } = await handshake({ server: { keys: other } });
  assert.notEqual(result.fingerprint, fingerprint(nobleProvider, publicKeys(KEYS)));
  assert.equal(result.fingerprint, fingerprint(nobleProvider, publicKeys(other)));
});

Deno.test("readServerHello() refuses a correctly signed but invalid server share as bad_share", async () => {
  const sent = await writeClientHello({ provider: nobleProvider, offer: { ...ALGORITHMS, kex: ["x25519"] } });
  const received = readClientHello(serverOptions(), sent.payload);
  const payload = await signedServerHello(received, received.suite, new Uint8Array(32));
  await assert.rejects(readServerHello(sent, payload), isRefusal("bad_share", /low-order/));
});

Deno.test("writeServerHello() refuses an invalid client share as bad_share", async () => {
  for (
    const [kex, share] of [["x25519", new Uint8Array(32)], ["p256", new Uint8Array(65).fill(4)], [
      "ffdhe",
      new Uint8Array(256),
    ]] as const
  ) {
    const sent = await writeClientHello({
      provider: nobleProvider,
      offer: { ...ALGORITHMS, kex: [kex] },
      group: GROUP,
    });
    const payload = editHandshake(sent.payload, (map) => ((map.shares as Record<string, Value>)[kex] = share));
    const server = serverOptions();
    await assert.rejects(writeServerHello(server, readClientHello(server, payload)), isRefusal("bad_share"), kex);
  }
});

Deno.test("readClientFinished() refuses a MAC with any changed byte, or of another length, as bad_finished", async () => {
  const { server, serverSent, finished } = await handshake({ offer: { ...ALGORITHMS, hash: ["sha384"] } });
  const mac = decodeValue(finished.subarray(1)) as { mac: Uint8Array };
  assert.equal(mac.mac.length, 48);
  const variants: Uint8Array[] = [];
  for (const index of [0, 1, 24, 46, 47]) {
    const changed = mac.mac.slice();
    changed[index] ^= 0x01;
    variants.push(changed);
  }
  variants.push(mac.mac.subarray(0, 47), concatBytes(mac.mac, Uint8Array.of(0)), new Uint8Array(0));
  for (const variant of variants) {
    const payload = editHandshake(finished, (map) => (map.mac = variant));
    assert.throws(
      () => readClientFinished(server, serverSent, payload),
      isRefusal("bad_finished", /^The client's Finished does not match: the handshake was altered in transit$/),
    );
  }
});

Deno.test("readClientFinished() refuses the Finished of another handshake, and a MAC keyed with another secret", async () => {
  const a = await handshake({ offer: only(SUITES[1]) });
  const b = await handshake({ offer: only(SUITES[1]) });
  assert.throws(() => readClientFinished(a.server, a.serverSent, b.finished), isRefusal("bad_finished"));
  const hash = nobleProvider.hash(SUITES[1].hash);
  const wrongKey = hash.hmac(a.result.secrets.clientTraffic, a.serverSent.transcript);
  const payload = editHandshake(a.finished, (map) => (map.mac = wrongKey));
  assert.throws(() => readClientFinished(a.server, a.serverSent, payload), isRefusal("bad_finished"));
});

Deno.test("readClientFinished() compares the MAC with constantTimeEqual, never with an early-exit comparison", async () => {
  const source = await Deno.readTextFile(new URL("./handshake_server.ts", import.meta.url));
  const body = source.slice(source.indexOf("export function readClientFinished"));
  assert.match(body, /if \(!constantTimeEqual\(mac, expected\)\)/);
  assert.doesNotMatch(body, /mac\s*[!=]==|===\s*mac|\.every\(|\.join\(|hex\(/);
  assert.match(source, /import \{ constantTimeEqual \} from "\.\.\/bytes\/mod\.ts";/);
});

// --- order and alerts ----------------------------------------------------------------------------------

Deno.test("the handshake refuses a message out of order as unexpected_message", async () => {
  const { sent, server, serverSent, finished } = await handshake();
  // The server gets a Finished, or a ServerHello, where a ClientHello belongs.
  assert.throws(() => readClientHello(server, finished), isRefusal("unexpected_message", /got "client_finished"/));
  assert.throws(() => readClientHello(server, serverSent.payload), isRefusal("unexpected_message", /server_hello/));
  // The server gets the ClientHello again where the Finished belongs.
  assert.throws(() => readClientFinished(server, serverSent, sent.payload), isRefusal("unexpected_message"));
  // The client gets its own ClientHello back, or a Finished, where the ServerHello belongs.
  const fresh = await writeClientHello({ provider: nobleProvider, offer: ALGORITHMS, group: GROUP });
  await assert.rejects(readServerHello(fresh, fresh.payload), isRefusal("unexpected_message", /got "client_hello"/));
  await assert.rejects(readServerHello(fresh, finished), isRefusal("unexpected_message"));
});

Deno.test("the handshake refuses a record or an empty payload where a handshake message belongs", async () => {
  const { server, serverSent } = await handshake();
  const record = concatBytes(Uint8Array.of(ContentType.record), new Uint8Array(40));
  assert.throws(() => readClientHello(server, record), isRefusal("unexpected_message"));
  assert.throws(() => readClientHello(server, new Uint8Array(0)), isRefusal("unexpected_message"));
  assert.throws(() => readClientFinished(server, serverSent, record), isRefusal("unexpected_message"));
  const fresh = await writeClientHello({ provider: nobleProvider, offer: ALGORITHMS, group: GROUP });
  await assert.rejects(readServerHello(fresh, record), isRefusal("unexpected_message"));
  await assert.rejects(readServerHello(fresh, new Uint8Array(0)), isRefusal("unexpected_message"));
});

Deno.test("readServerHello() reports an alert instead of a ServerHello with the alert's code and message", async () => {
  const sent = await writeClientHello({ provider: nobleProvider, offer: ALGORITHMS, group: GROUP });
  const alert = encodeAlert({ code: "rate_limited", message: "Too many connections", retryAfterMs: 1000 });
  await assert.rejects(
    readServerHello(sent, alert),
    isRefusal("alert", /^Server refused the connection \(rate_limited\): Too many connections$/),
  );
  await assert.rejects(
    readServerHello(sent, Uint8Array.of(ContentType.alert, 0xff)),
    isRefusal("alert", /\(unknown\)/),
  );
});

// --- malformed messages through the state machines -------------------------------------------------------

Deno.test("readClientHello() refuses another protocol version as unsupported_version", async () => {
  const sent = await writeClientHello({ provider: nobleProvider, offer: ALGORITHMS, group: GROUP });
  for (const version of [0, 2]) {
    assert.throws(
      () => readClientHello(serverOptions(), editHandshake(sent.payload, (map) => (map.version = version))),
      isRefusal("unsupported_version", new RegExp(`version ${version}`)),
    );
  }
});

Deno.test("readServerHello() refuses another protocol version in the signed body as unsupported_version", async () => {
  const { serverSent } = await handshake();
  const fresh = await writeClientHello({ provider: nobleProvider, offer: ALGORITHMS, group: GROUP });
  const payload = editServerBody(serverSent.payload, (body) => (body.version = 2));
  await assert.rejects(readServerHello(fresh, payload), isRefusal("unsupported_version"));
});

const CLIENT_HELLO_DEFECTS: [string, (map: Record<string, Value>) => void, RegExp][] = [
  ["a 31-byte random", (map) => (map.random = new Uint8Array(31)), /random/],
  ["a 33-byte random", (map) => (map.random = new Uint8Array(33)), /random/],
  ["a repeated kex", (map) => (map.kex = ["x25519", "x25519"]), /Offer kex has an invalid or repeated entry/],
  ["a repeated aead", (map) => (map.aead = ["aes-128-gcm", "aes-256-gcm", "aes-128-gcm"]), /Offer aead/],
  ["17 sig entries", (map) => (map.sig = ["ed25519", ...Array.from({ length: 16 }, (_, i) => `s${i}`)]), /1 to 16/],
  ["an empty hash list", (map) => (map.hash = []), /Offer hash/],
  [
    "no share for an offered kex",
    (map) => delete (map.shares as Record<string, Value>).p256,
    /no valid share for p256/,
  ],
  ["a share of 2049 bytes", (map) => ((map.shares as Record<string, Value>).x25519 = new Uint8Array(2049)), /x25519/],
  ["ffdhe without a group", (map) => delete map.group, /ffdhe without a group/],
  ["shares that are a list", (map) => (map.shares = []), /shares must be a map/],
];

for (const [what, defect, message] of CLIENT_HELLO_DEFECTS) {
  Deno.test(`readClientHello() refuses a ClientHello with ${what} as malformed`, async () => {
    const sent = await writeClientHello({ provider: nobleProvider, offer: ALGORITHMS, group: GROUP });
    assert.throws(
      () => readClientHello(serverOptions(), editHandshake(sent.payload, defect)),
      isRefusal("malformed", message),
    );
  });
}

Deno.test("readClientHello() refuses a body that is not a map, and every truncation, as malformed", async () => {
  for (const value of [["client_hello"], "client_hello", null]) {
    const payload = concatBytes(Uint8Array.of(ContentType.handshake), encodeValue(value));
    assert.throws(() => readClientHello(serverOptions(), payload), isRefusal("malformed", /must be a map/));
  }
  const sent = await writeClientHello({ provider: nobleProvider, offer: { ...ALGORITHMS, kex: ["x25519"] } });
  for (let length = 1; length < sent.payload.length; length++) {
    assert.throws(() => readClientHello(serverOptions(), sent.payload.subarray(0, length)), isRefusal("malformed"));
  }
});

const SERVER_HELLO_DEFECTS: [string, (body: Record<string, Value>) => void, RegExp][] = [
  ["a 31-byte random", (body) => (body.random = new Uint8Array(31)), /random/],
  [
    "an identity entry with an unknown name",
    (body) => ((body.identity as Record<string, Value>).rsa = new Uint8Array(32)),
    /invalid entry "rsa"/,
  ],
  ["an identity that is a list", (body) => (body.identity = []), /identity must be a map/],
  ["an unknown aead", (body) => (body.aead = "aes-512-gcm"), /unknown aead/],
  ["a share of 2049 bytes", (body) => (body.share = new Uint8Array(2049)), /share/],
];

for (const [what, defect, message] of SERVER_HELLO_DEFECTS) {
  Deno.test(`readServerHello() refuses a ServerHello with ${what} as malformed`, async () => {
    const sent = await writeClientHello({ provider: nobleProvider, offer: ALGORITHMS, group: GROUP });
    const server = serverOptions();
    const serverSent = await writeServerHello(server, readClientHello(server, sent.payload));
    await assert.rejects(
      readServerHello(sent, editServerBody(serverSent.payload, defect)),
      isRefusal("malformed", message),
    );
  });
}

Deno.test("readServerHello() refuses a ServerHello that is not a map, and every truncation, as malformed", async () => {
  const sent = await writeClientHello({ provider: nobleProvider, offer: { ...ALGORITHMS, kex: ["x25519"] } });
  const server = serverOptions();
  const serverSent = await writeServerHello(server, readClientHello(server, sent.payload));
  const notMap = concatBytes(Uint8Array.of(ContentType.handshake), encodeValue([1, 2]));
  await assert.rejects(readServerHello(sent, notMap), isRefusal("malformed", /must be a map/));
  const notMapBody = editHandshake(serverSent.payload, (outer) => (outer.hello = encodeValue("body")));
  await assert.rejects(readServerHello(sent, notMapBody), isRefusal("malformed", /ServerHello body must be a map/));
  for (let length = 1; length < serverSent.payload.length; length++) {
    await assert.rejects(readServerHello(sent, serverSent.payload.subarray(0, length)), isRefusal("malformed"));
  }
  // None of the refusals above consumed the key exchange: the genuine hello still completes.
  const result = await readServerHello(sent, serverSent.payload);
  readClientFinished(server, serverSent, writeClientFinished(sent, result, serverSent.payload));
});

// PROTOCOL.md §10.8 is enough to write a client: tests/_opaque_client.ts, written from that section alone, reproduces
// RFC 9807's vectors, interoperates with the server's OPAQUE library, and registers and logs in over a real server.
// Each pure-JS Argon2id run with Mimi's parameters takes about a second of CPU; a login repeats its registration's
// Argon2id input, so each test stretches every distinct input once (cachedMimi) and the file makes six runs.

import assert from "node:assert/strict";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex, concatBytes, hexToBytes, randomBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { ristretto255, ristretto255_oprf } from "@noble/curves/ed25519.js";
import { expand } from "@noble/hashes/hkdf.js";
import * as opaque from "@serenity-kit/opaque";
import { loginProof } from "../core/crypto/login_binding.ts";
import { Op } from "../core/protocol/opcodes.ts";
import {
  finishLogin,
  finishRegistration,
  fromBase64Url,
  MIMI_OPAQUE,
  OpaqueClientError,
  type OpaqueConfig,
  startLogin,
  startRegistration,
  toBase64Url,
} from "./_opaque_client.ts";
import { connect, expectCode, KEY_STRETCHING } from "./_accounts_helpers.ts";
import { deadline, startTestServer } from "./_harness.ts";

const PASSWORD = "correct horse 电池 staple";
const utf8 = utf8ToBytes;

/** The RFC 9807 Appendix C vectors' configuration: KSF Identity, the context in the vector. */
function rfcConfig(contextHex: string): OpaqueConfig {
  return { context: hexToBytes(contextHex), stretch: (oprfOutput) => Promise.resolve(oprfOutput.slice()) };
}

/**
 * Mimi's configuration with each distinct `oprf_output` stretched once. The KSF is a function of its input, so a cache
 * changes no result; the first call for each input is a real Argon2id run.
 */
function cachedMimi(): OpaqueConfig {
  const stretched = new Map<string, Uint8Array>();
  return {
    context: MIMI_OPAQUE.context,
    async stretch(oprfOutput) {
      const key = bytesToHex(oprfOutput);
      let output = stretched.get(key);
      if (!output) stretched.set(key, output = await MIMI_OPAQUE.stretch(oprfOutput));
      return output.slice(); // the client wipes what it is given
    },
  };
}

/** Asserts that `promise` rejects with the independent client's failure `reason`. */
async function expectFailure(promise: Promise<unknown>, reason: string, what: string): Promise<void> {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof OpaqueClientError, `${what}: expected OpaqueClientError, got ${error}`);
    assert.equal(error.reason, reason, `${what}: ${error.message}`);
    return true;
  });
}

Deno.test("independent client reproduces the ristretto255 vectors of RFC 9807 Appendix C", async () => {
  const file = JSON.parse(await Deno.readTextFile(new URL("./vectors/opaque_rfc9807.json", import.meta.url)));
  assert.equal(file.vectors.length, 2);
  for (const vector of file.vectors) {
    const { inputs, intermediates, outputs } = vector;
    const config = rfcConfig(vector.configuration.Context);
    const identities = {
      client: inputs.client_identity ? hexToBytes(inputs.client_identity) : undefined,
      server: inputs.server_identity ? hexToBytes(inputs.server_identity) : undefined,
    };
    const password = hexToBytes(inputs.password);

    const registration = startRegistration(password, { blind: hexToBytes(inputs.blind_registration) });
    assert.equal(bytesToHex(registration.request), outputs.registration_request, vector.name);
    const registered = await finishRegistration(registration.state, hexToBytes(outputs.registration_response), {
      config,
      identities,
      fixed: { envelopeNonce: hexToBytes(inputs.envelope_nonce) },
    });
    assert.equal(bytesToHex(registered.record), outputs.registration_upload, vector.name);
    assert.equal(bytesToHex(registered.clientPublicKey), intermediates.client_public_key, vector.name);
    assert.equal(bytesToHex(registered.exportKey), outputs.export_key, vector.name);

    const login = startLogin(password, {
      blind: hexToBytes(inputs.blind_login),
      clientNonce: hexToBytes(inputs.client_nonce),
      keyshareSeed: hexToBytes(inputs.client_keyshare_seed),
    });
    assert.equal(bytesToHex(login.ke1), outputs.KE1, vector.name);
    const finished = await finishLogin(login.state, hexToBytes(outputs.KE2), { config, identities });
    assert.equal(bytesToHex(finished.keys.randomizedPassword), intermediates.randomized_password, vector.name);
    assert.equal(bytesToHex(finished.keys.authKey), intermediates.auth_key, vector.name);
    assert.equal(bytesToHex(finished.keys.handshakeSecret), intermediates.handshake_secret, vector.name);
    assert.equal(bytesToHex(finished.keys.serverMacKey), intermediates.server_mac_key, vector.name);
    assert.equal(bytesToHex(finished.keys.clientMacKey), intermediates.client_mac_key, vector.name);
    assert.equal(bytesToHex(finished.ke3), outputs.KE3, vector.name);
    assert.equal(bytesToHex(finished.sessionKey), outputs.session_key, vector.name);
    assert.equal(bytesToHex(finished.exportKey), outputs.export_key, vector.name);
    assert.equal(bytesToHex(finished.serverPublicKey), inputs.server_public_key, vector.name);

    // The server side of §10.8.2, from the same vector: the OPRF key comes from oprf_seed and credential_identifier.
    const seed = expand(
      sha512,
      hexToBytes(inputs.oprf_seed),
      concatBytes(hexToBytes(inputs.credential_identifier), utf8("OprfKey")),
      32,
    );
    const oprfKey = ristretto255_oprf.oprf.deriveKeyPair(seed, utf8("OPAQUE-DeriveKeyPair")).secretKey;
    assert.equal(bytesToHex(oprfKey), intermediates.oprf_key, vector.name);
  }
});

Deno.test("independent client registers and logs in against the server library, agreeing with the library client", async () => {
  await opaque.ready;
  const serverSetup = opaque.server.createSetup();
  const userIdentifier = "alice";
  const password = utf8(PASSWORD);
  const config = cachedMimi();

  // Registration by the independent client, answered the way server/services/accounts/service.ts answers register_start.
  const registration = startRegistration(password);
  const { registrationResponse } = opaque.server.createRegistrationResponse({
    serverSetup,
    userIdentifier,
    registrationRequest: toBase64Url(registration.request),
  });
  const registered = await finishRegistration(registration.state, fromBase64Url(registrationResponse), { config });
  assert.equal(toBase64Url(registered.serverPublicKey), opaque.server.getPublicKey(serverSetup));
  const record = toBase64Url(registered.record);

  // Login by the independent client against that record.
  const login = startLogin(password);
  const started = opaque.server.startLogin({
    serverSetup,
    userIdentifier,
    registrationRecord: record,
    startLoginRequest: toBase64Url(login.ke1),
  });
  const finished = await finishLogin(login.state, fromBase64Url(started.loginResponse), { config });
  const { sessionKey } = opaque.server.finishLogin({
    finishLoginRequest: toBase64Url(finished.ke3),
    serverLoginState: started.serverLoginState,
  });
  assert.equal(toBase64Url(finished.sessionKey), sessionKey, "the server library derives the same K");
  assert.equal(finished.sessionKey.length, 64);
  assert.deepEqual(finished.exportKey, registered.exportKey);

  // The library's own client accepts the record the independent client made, with the same export key.
  const libraryLogin = opaque.client.startLogin({ password: PASSWORD });
  const libraryStarted = opaque.server.startLogin({
    serverSetup,
    userIdentifier,
    registrationRecord: record,
    startLoginRequest: libraryLogin.startLoginRequest,
  });
  const libraryFinished = opaque.client.finishLogin({
    clientLoginState: libraryLogin.clientLoginState,
    loginResponse: libraryStarted.loginResponse,
    password: PASSWORD,
    keyStretching: KEY_STRETCHING,
  });
  assert.ok(libraryFinished, "the library client opens the independent client's envelope");
  assert.equal(libraryFinished.exportKey, toBase64Url(registered.exportKey));
  assert.equal(
    opaque.server.finishLogin({
      finishLoginRequest: libraryFinished.finishLoginRequest,
      serverLoginState: libraryStarted.serverLoginState,
    }).sessionKey,
    libraryFinished.sessionKey,
  );

  // And the independent client opens a record the library's client made.
  const libraryRegistration = opaque.client.startRegistration({ password: PASSWORD });
  const libraryRecord = opaque.client.finishRegistration({
    clientRegistrationState: libraryRegistration.clientRegistrationState,
    registrationResponse: opaque.server.createRegistrationResponse({
      serverSetup,
      userIdentifier: "bob",
      registrationRequest: libraryRegistration.registrationRequest,
    }).registrationResponse,
    password: PASSWORD,
    keyStretching: KEY_STRETCHING,
  });
  const bobLogin = startLogin(password);
  const bobStarted = opaque.server.startLogin({
    serverSetup,
    userIdentifier: "bob",
    registrationRecord: libraryRecord.registrationRecord,
    startLoginRequest: toBase64Url(bobLogin.ke1),
  });
  const bobFinished = await finishLogin(bobLogin.state, fromBase64Url(bobStarted.loginResponse), { config });
  assert.equal(toBase64Url(bobFinished.exportKey), libraryRecord.exportKey);
  assert.equal(
    opaque.server.finishLogin({
      finishLoginRequest: toBase64Url(bobFinished.ke3),
      serverLoginState: bobStarted.serverLoginState,
    }).sessionKey,
    toBase64Url(bobFinished.sessionKey),
  );
});

Deno.test("independent client refuses a truncated, reflected or tampered KE2", async () => {
  await opaque.ready;
  const serverSetup = opaque.server.createSetup();
  const libraryRegistration = opaque.client.startRegistration({ password: PASSWORD });
  const { registrationRecord } = opaque.client.finishRegistration({
    clientRegistrationState: libraryRegistration.clientRegistrationState,
    registrationResponse: opaque.server.createRegistrationResponse({
      serverSetup,
      userIdentifier: "alice",
      registrationRequest: libraryRegistration.registrationRequest,
    }).registrationResponse,
    password: PASSWORD,
    keyStretching: KEY_STRETCHING,
  });
  const ke2For = (ke1: Uint8Array) =>
    fromBase64Url(
      opaque.server.startLogin({
        serverSetup,
        userIdentifier: "alice",
        registrationRecord,
        startLoginRequest: toBase64Url(ke1),
      }).loginResponse,
    );

  const truncated = startLogin(utf8(PASSWORD));
  await expectFailure(
    finishLogin(truncated.state, ke2For(truncated.ke1).subarray(0, 319), { config: MIMI_OPAQUE }),
    "malformed",
    "a KE2 one byte short",
  );
  const reflected = startLogin(utf8(PASSWORD));
  const reflectedKe2 = ke2For(reflected.ke1);
  reflectedKe2.set(reflected.ke1.subarray(0, 32), 0);
  await expectFailure(finishLogin(reflected.state, reflectedKe2, { config: MIMI_OPAQUE }), "reflected", "a reflection");
  // The envelope still opens (right password); only step 4's server_mac check can catch this.
  const tampered = startLogin(utf8(PASSWORD));
  const tamperedKe2 = ke2For(tampered.ke1);
  tamperedKe2[319] ^= 1;
  await expectFailure(
    finishLogin(tampered.state, tamperedKe2, { config: MIMI_OPAQUE }),
    "server_mac",
    "a KE2 whose server_mac was altered",
  );
});

Deno.test("the server library derives each OPRF key from the username key alone, registered or not", async () => {
  await opaque.ready;
  const serverSetup = opaque.server.createSetup();
  const setup = fromBase64Url(serverSetup);
  // §10.8.6: oprf_seed (64) || server private key (32) || fake client public key (32).
  assert.equal(serverSetup.length, 171);
  assert.equal(setup.length, 128);
  const oprfSeed = setup.subarray(0, 64);
  const serverPrivateKey = ristretto255.Point.Fn.fromBytes(setup.subarray(64, 96));
  assert.equal(
    toBase64Url(ristretto255.Point.BASE.multiply(serverPrivateKey).toBytes()),
    opaque.server.getPublicKey(serverSetup),
  );
  ristretto255.Point.fromBytes(setup.subarray(96, 128)); // the fake client public key is an element

  /** §10.8.2: blinded * DeriveKeyPair(Expand(oprf_seed, name || "OprfKey", 32), "OPAQUE-DeriveKeyPair"). */
  const expectedEvaluation = (name: string, blinded: Uint8Array) => {
    const seed = expand(sha512, oprfSeed, concatBytes(utf8(name), utf8("OprfKey")), 32);
    return toBase64Url(ristretto255_oprf.oprf.blindEvaluate(
      ristretto255_oprf.oprf.deriveKeyPair(seed, utf8("OPAQUE-DeriveKeyPair")).secretKey,
      blinded,
    ));
  };
  const evaluatedIn = (message: string) => toBase64Url(fromBase64Url(message).subarray(0, 32));

  const registration = opaque.client.startRegistration({ password: PASSWORD });
  const { registrationResponse } = opaque.server.createRegistrationResponse({
    serverSetup,
    userIdentifier: "alice",
    registrationRequest: registration.registrationRequest,
  });
  const blindedRegistration = fromBase64Url(registration.registrationRequest);
  assert.equal(evaluatedIn(registrationResponse), expectedEvaluation("alice", blindedRegistration));
  assert.notEqual(evaluatedIn(registrationResponse), expectedEvaluation("alicf", blindedRegistration));
  const { registrationRecord } = opaque.client.finishRegistration({
    clientRegistrationState: registration.clientRegistrationState,
    registrationResponse,
    password: PASSWORD,
    keyStretching: KEY_STRETCHING,
  });

  // One blinded element, sent for a registered name and for an unknown one: the fake record changes nothing here.
  const login = startLogin(utf8(PASSWORD));
  const blinded = login.ke1.subarray(0, 32);
  for (const [name, record] of [["alice", registrationRecord], ["nobody", null]] as const) {
    const { loginResponse } = opaque.server.startLogin({
      serverSetup,
      userIdentifier: name,
      registrationRecord: record,
      startLoginRequest: toBase64Url(login.ke1),
    });
    assert.equal(fromBase64Url(loginResponse).length, 320, name);
    assert.equal(evaluatedIn(loginResponse), expectedEvaluation(name, blinded), name);
  }
});

Deno.test("library messages have the sizes and canonical unpadded base64url of section 10.8.3", async () => {
  await opaque.ready;
  const serverSetup = opaque.server.createSetup();
  const sizes = (message: string, bytes: number, what: string) => {
    assert.match(message, /^[A-Za-z0-9_-]+$/, `${what} is unpadded base64url`);
    assert.equal(fromBase64Url(message).length, bytes, what);
    assert.equal(message.length, Math.ceil(bytes * 4 / 3), what);
  };
  const password = "é"; // U+00E9
  const registration = opaque.client.startRegistration({ password });
  sizes(registration.registrationRequest, 32, "RegistrationRequest");
  const { registrationResponse } = opaque.server.createRegistrationResponse({
    serverSetup,
    userIdentifier: "alice",
    registrationRequest: registration.registrationRequest,
  });
  sizes(registrationResponse, 64, "RegistrationResponse");
  const { registrationRecord } = opaque.client.finishRegistration({
    clientRegistrationState: registration.clientRegistrationState,
    registrationResponse,
    password,
    keyStretching: KEY_STRETCHING,
  });
  sizes(registrationRecord, 192, "RegistrationRecord");

  const login = (typed: string) => {
    const started = opaque.client.startLogin({ password: typed });
    sizes(started.startLoginRequest, 96, "KE1");
    const { loginResponse, serverLoginState } = opaque.server.startLogin({
      serverSetup,
      userIdentifier: "alice",
      registrationRecord,
      startLoginRequest: started.startLoginRequest,
    });
    sizes(loginResponse, 320, "KE2");
    const finished = opaque.client.finishLogin({
      clientLoginState: started.clientLoginState,
      loginResponse,
      password: typed,
      keyStretching: KEY_STRETCHING,
    });
    return { finished, serverLoginState };
  };
  const { finished, serverLoginState } = login(password);
  assert.ok(finished);
  sizes(finished.finishLoginRequest, 64, "KE3");
  sizes(finished.sessionKey, 64, "session key");
  sizes(
    opaque.server.finishLogin({ finishLoginRequest: finished.finishLoginRequest, serverLoginState }).sessionKey,
    64,
    "server session key",
  );
  // §10.8.1: the password's bytes are not normalised; U+0065 U+0301 is another password.
  assert.equal(login("e\u0301").finished, undefined);

  // §10.8.3: only the canonical form is accepted.
  const request = registration.registrationRequest;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const lastBitsSet = request.slice(0, -1) + alphabet[alphabet.indexOf(request.at(-1)!) | 1];
  for (
    const [what, text] of [
      ["padding", request + "="],
      ["the + / alphabet", request.replace(/-/g, "+").replace(/_/g, "/")],
      ["white space", request + "\n"],
      ["non-zero unused bits", lastBitsSet],
      ["a short message", request.slice(0, 40)],
    ]
  ) {
    if (text === request) continue; // this request happens to hold no - or _
    assert.throws(
      () =>
        opaque.server.createRegistrationResponse({ serverSetup, userIdentifier: "alice", registrationRequest: text }),
      `the server library refuses ${what}`,
    );
  }
});

Deno.test("independent client registers and logs in over a real server; a wrong password or unknown name fails before login_finish", async () => {
  const server = await startTestServer();
  const { client, result } = await connect(server, "tcp");
  const exporter = result.secrets.exporter;
  const config = cachedMimi();
  const request = (opcode: number, body: Record<string, string | Uint8Array>) =>
    deadline(client.request(opcode, body), 10_000, `opcode ${opcode}`) as Promise<Record<string, unknown>>;
  const tryLogin = async (username: string, password: string) => {
    const login = startLogin(utf8(password));
    const { response } = await request(Op.loginStart, { username, request: toBase64Url(login.ke1) });
    return await finishLogin(login.state, fromBase64Url(response as string), { config });
  };
  try {
    const registration = startRegistration(utf8(PASSWORD));
    const started = await request(Op.registerStart, {
      username: "Alice",
      nickname: "Alice",
      request: toBase64Url(registration.request),
    });
    const registered = await finishRegistration(registration.state, fromBase64Url(started.response as string), {
      config,
    });
    const { user } = await request(Op.registerFinish, { record: toBase64Url(registered.record) });
    assert.equal((user as { username: string }).username, "Alice");

    // §10.3 with K from §10.8.5: HMAC-SHA256(K, "mimi/1 login client" || exporter), and the server's answer.
    const loggedIn = await tryLogin("alice", PASSWORD);
    const proof = hmac(sha256, loggedIn.sessionKey, concatBytes(utf8("mimi/1 login client"), exporter));
    assert.deepEqual(proof, loginProof(toBase64Url(loggedIn.sessionKey), exporter, "client"), "Mimi's helper agrees");
    const bundle = await request(Op.loginFinish, { finish: toBase64Url(loggedIn.ke3), proof });
    assert.deepEqual(
      bundle.proof,
      hmac(sha256, loggedIn.sessionKey, concatBytes(utf8("mimi/1 login server"), exporter)),
    );
    assert.equal((bundle.user as { username: string }).username, "Alice");
    await request(Op.logout, {});

    // §10.3: a wrong password fails in the client, which then has nothing to send; a KE3 made up anyway is refused.
    await expectFailure(tryLogin("alice", "correct horse battery staple"), "envelope", "a wrong password");
    await expectCode(
      request(Op.loginFinish, { finish: toBase64Url(randomBytes(64)), proof: randomBytes(32) }),
      "credentials_wrong",
      "a login_finish that does not verify",
    );
    // An unknown name gets a KE2 from the fake record: the same failure, at the same step.
    await expectFailure(tryLogin("nobody", PASSWORD), "envelope", "an unknown name");
  } finally {
    client.close();
    await deadline(client.closed, 5000, "the client to close");
    await server.close();
  }
});

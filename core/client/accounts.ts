// Client side of accounts: OPAQUE registration and login bound to the secure channel (PROTOCOL.md §10).

import { constantTimeEqual } from "../bytes/mod.ts";
import { loginProof } from "../crypto/login_binding.ts";
import type { ResponseOf } from "../protocol/define.ts";
import { ProtocolError } from "../protocol/errors.ts";
import type { LoginBundle, Profile } from "../protocol/ops/bundle.ts";
import { checkResponse } from "../protocol/parse.ts";
import { OPS } from "../protocol/registry.ts";
import { isMap } from "../protocol/schema.ts";
import { TransportError } from "../transport/duplex.ts";
import type { MimiClient } from "./client.ts";
import { type OpaqueClient, packagedOpaque } from "./opaque.ts";

export type { LoginBundle, Profile };

/** Options of {@link register}. */
export interface RegisterOptions {
  /** An invite code from the server's operator (`mimi invite`), for a server whose registration is by invite. */
  invite?: string;
  /** Where the OPAQUE steps run (a page's Web Worker); default the package on this thread ({@link packagedOpaque}). */
  opaque?: OpaqueClient;
}

/**
 * Registers an account. The password never leaves this function: the server sees only OPAQUE messages.
 *
 * @param client A connected client.
 * @param username 3 to 32 of `A-Z a-z 0-9 _ . -`.
 * @param nickname Display name, any script.
 * @param password The password.
 * @param options `invite`: the code, when the server asks for one.
 * @returns The new profile; rejects with {@link ProtocolError} (`username_taken`, `username_invalid`,
 *   `invite_required`, `invite_invalid`, `registration_closed`, `rate_limited` or `throttled` with `retryAfterMs`, …).
 */
export async function register(
  client: MimiClient,
  username: string,
  nickname: string,
  password: string,
  options: RegisterOptions = {},
): Promise<Profile> {
  const opaque = options.opaque ?? await packagedOpaque();
  const { clientRegistrationState, registrationRequest } = await opaque.startRegistration(password);
  const started = await client.call(OPS.registerStart, {
    username,
    nickname,
    request: registrationRequest,
    ...options.invite !== undefined ? { invite: options.invite } : {},
  });
  const record = await opaque.finishRegistration({
    clientRegistrationState,
    registrationResponse: started.response,
    password,
  });
  return (await client.call(OPS.registerFinish, { record })).user;
}

/** What `login_finish` carries to remember this device (PROTOCOL.md §10.9). */
export interface DeviceRegistration {
  /** What the device list shows, 1 to 64 characters, e.g. "Firefox on Linux". */
  name: string;
  /** The device key's SEC1 uncompressed public key (65 bytes). */
  publicKey: Uint8Array;
}

/** Options of {@link login} and {@link startLogin}. */
export interface LoginOptions {
  /** Remember this device: the server stores its public key and answers its `deviceId`. */
  device?: DeviceRegistration;
  /** Where the OPAQUE steps run (a page's Web Worker); default the package on this thread ({@link packagedOpaque}). */
  opaque?: OpaqueClient;
}

/** The login bundle with the remembered device's id: null when none was asked for (or the server cannot). */
export type LoginResult = LoginBundle & { deviceId: number | null };

/** A login whose `login_start` was answered and whose OPAQUE part succeeded; `finish()` completes it. */
export interface StartedLogin {
  /** The OPAQUE session key (base64url): the client's own secret; never log or send it. */
  readonly sessionKey: string;
  /** Sends `login_finish` bound to this connection and checks the server's proof. */
  finish(): Promise<LoginResult>;
}

/**
 * The first half of {@link login}: OPAQUE's `login_start` and, on the client, key stretching and KE3. Separate so
 * a caller (a UI, a test) can act between the two round trips.
 *
 * @param client A connected client whose duplex came from `performClientHandshake` (it needs the channel binding).
 * @param username The username.
 * @param password The password.
 * @param options `device`: remember this device.
 * @returns The started login; rejects with {@link ProtocolError} `credentials_wrong` (unknown user and wrong password
 *   alike) or `throttled` (with `retryAfterMs`).
 */
export async function startLogin(
  client: MimiClient,
  username: string,
  password: string,
  options: LoginOptions = {},
): Promise<StartedLogin> {
  const binding = client.channelBinding;
  if (!binding) throw new TypeError("login needs a secure channel (MimiClient's channelBinding)");
  const opaque = options.opaque ?? await packagedOpaque();
  const { clientLoginState, startLoginRequest } = await opaque.startLogin(password);
  const started = await client.call(OPS.loginStart, { username, request: startLoginRequest });
  const result = await opaque.finishLogin({ clientLoginState, loginResponse: started.response, password });
  // Unknown user or wrong password: the server's answer does not authenticate. Same error either way.
  if (!result) throw new ProtocolError("credentials_wrong", "Wrong username or password");
  return {
    sessionKey: result.sessionKey,
    async finish() {
      const body = {
        finish: result.finishLoginRequest,
        proof: loginProof(result.sessionKey, binding, "client"),
        ...options.device ? { device: { name: options.device.name, publicKey: options.device.publicKey } } : {},
      };
      const answer = loginFinishAnswer(await client.request(OPS.loginFinish.opcode, body));
      const expected = loginProof(result.sessionKey, binding, "server");
      if (!constantTimeEqual(answer.proof, expected)) {
        void client.close();
        throw new TransportError(
          "bad_message",
          "The server's login proof is wrong: the connection is not the one this login ran on",
        );
      }
      const { proof: _proof, ...bundle } = answer;
      return bundle;
    },
  };
}

/**
 * Checks the answer of `login_finish` against its schema. A server older than remembered devices (PROTOCOL.md §10.9)
 * leaves `deviceId` out; it remembers no device, which the spec says as null.
 */
function loginFinishAnswer(answer: unknown): ResponseOf<typeof OPS.loginFinish> {
  const checked = checkResponse(
    OPS.loginFinish,
    isMap(answer) && answer.deviceId === undefined ? { ...answer, deviceId: null } : answer,
  );
  if (!checked.ok) {
    throw new TransportError("bad_message", `Server sent a malformed login_finish answer: ${checked.message}`);
  }
  return checked.value;
}

/**
 * Logs in, proving the OPAQUE session key over this connection's channel binding and checking the server's proof.
 *
 * @param client A connected client whose duplex came from `performClientHandshake` (it needs the channel binding).
 * @param username The username.
 * @param password The password.
 * @param options `device`: remember this device, see {@link DeviceRegistration}.
 * @returns The login bundle and `deviceId`; rejects with {@link ProtocolError} `credentials_wrong` (unknown user and
 *   wrong password alike), `throttled` (with `retryAfterMs`), or {@link TransportError} when the server's proof is
 *   wrong or its answer malformed.
 */
export async function login(
  client: MimiClient,
  username: string,
  password: string,
  options: LoginOptions = {},
): Promise<LoginResult> {
  return await (await startLogin(client, username, password, options)).finish();
}

/**
 * Changes the password of the logged-in account (an OPAQUE re-registration).
 *
 * @param client A logged-in client.
 * @param password The new password.
 * @param options `opaque`: where the OPAQUE steps run (default the package on this thread).
 */
export async function changePassword(
  client: MimiClient,
  password: string,
  options: { opaque?: OpaqueClient } = {},
): Promise<void> {
  const opaque = options.opaque ?? await packagedOpaque();
  const { clientRegistrationState, registrationRequest } = await opaque.startRegistration(password);
  const started = await client.call(OPS.passwordStart, { request: registrationRequest });
  const record = await opaque.finishRegistration({
    clientRegistrationState,
    registrationResponse: started.response,
    password,
  });
  await client.call(OPS.passwordFinish, { record });
}

// Client side of accounts: OPAQUE registration and login bound to the secure channel (PROTOCOL.md §10).

import * as opaque from "@serenity-kit/opaque";
import type { Value } from "../codec/value.ts";
import { loginProof } from "../crypto/login_binding.ts";
import { constantTimeEqual } from "../bytes/mod.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { Op } from "../protocol/opcodes.ts";
import type { MimiClient } from "./client.ts";
import { TransportError } from "../transport/duplex.ts";

/** Argon2id parameters both registration and login must use (PROTOCOL.md §10). */
const KEY_STRETCHING = "memory-constrained" as const;

/** A user's public profile. */
export interface Profile {
  id: number;
  username: string;
  nickname: string;
  font: { family: string | null; size: number | null };
}

/** What the server sends after a successful login (PROTOCOL.md §10.3). */
export interface LoginBundle {
  user: Profile;
  friends: { id: number; username: string; nickname: string; online: boolean; lastSeenAt: number | null }[];
  rooms: { id: number; name: string; kind: string }[];
  friendRequests: {
    id: number;
    from: { id: number; username: string; nickname: string } | null;
    status: string;
    createdAt: number;
  }[];
  conversations: Value[];
}

/** Options of {@link register}. */
export interface RegisterOptions {
  /** An invite code from the server's operator (`mimi invite`), for a server whose registration is by invite. */
  invite?: string;
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
  await opaque.ready;
  const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password });
  const body: Record<string, Value> = { username, nickname, request: registrationRequest };
  if (options.invite !== undefined) body.invite = options.invite;
  const started = await client.request(Op.registerStart, body) as { response: string };
  const { registrationRecord } = opaque.client.finishRegistration({
    clientRegistrationState,
    registrationResponse: started.response,
    password,
    keyStretching: KEY_STRETCHING,
  });
  const finished = await client.request(Op.registerFinish, { record: registrationRecord }) as unknown as {
    user: Profile;
  };
  return finished.user;
}

/** A login whose `login_start` was answered and whose OPAQUE part succeeded; `finish()` completes it. */
export interface StartedLogin {
  /** The OPAQUE session key (base64url): the client's own secret; never log or send it. */
  readonly sessionKey: string;
  /** Sends `login_finish` bound to this connection and checks the server's proof. */
  finish(): Promise<LoginBundle>;
}

/**
 * The first half of {@link login}: OPAQUE's `login_start` and, on the client, key stretching and KE3. Separate so
 * a caller (a UI, a test) can act between the two round trips.
 *
 * @param client A connected client whose duplex came from `performClientHandshake` (it needs the channel binding).
 * @param username The username.
 * @param password The password.
 * @returns The started login; rejects with {@link ProtocolError} `credentials_wrong` (unknown user and wrong password
 *   alike) or `throttled` (with `retryAfterMs`).
 */
export async function startLogin(client: MimiClient, username: string, password: string): Promise<StartedLogin> {
  const binding = client.channelBinding;
  if (!binding) throw new TypeError("login needs a secure channel (MimiClient's channelBinding)");
  await opaque.ready;
  const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password });
  const started = await client.request(Op.loginStart, { username, request: startLoginRequest }) as { response: string };
  const result = opaque.client.finishLogin({
    clientLoginState,
    loginResponse: started.response,
    password,
    keyStretching: KEY_STRETCHING,
  });
  // Unknown user or wrong password: the server's answer does not authenticate. Same error either way.
  if (!result) throw new ProtocolError("credentials_wrong", "Wrong username or password");
  return {
    sessionKey: result.sessionKey,
    async finish() {
      const answer = await client.request(Op.loginFinish, {
        finish: result.finishLoginRequest,
        proof: loginProof(result.sessionKey, binding, "client"),
      }) as unknown as LoginBundle & { proof: Uint8Array };
      const expected = loginProof(result.sessionKey, binding, "server");
      if (!(answer.proof instanceof Uint8Array) || !constantTimeEqual(answer.proof, expected)) {
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
 * Logs in, proving the OPAQUE session key over this connection's channel binding and checking the server's proof.
 *
 * @param client A connected client whose duplex came from `performClientHandshake` (it needs the channel binding).
 * @param username The username.
 * @param password The password.
 * @returns The login bundle; rejects with {@link ProtocolError} `credentials_wrong` (unknown user and wrong password
 *   alike), `throttled` (with `retryAfterMs`), or {@link TransportError} when the server's proof is wrong.
 */
export async function login(client: MimiClient, username: string, password: string): Promise<LoginBundle> {
  return await (await startLogin(client, username, password)).finish();
}

/**
 * Changes the password of the logged-in account (an OPAQUE re-registration).
 *
 * @param client A logged-in client.
 * @param password The new password.
 */
export async function changePassword(client: MimiClient, password: string): Promise<void> {
  await opaque.ready;
  const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password });
  const started = await client.request(Op.passwordStart, { request: registrationRequest }) as { response: string };
  const { registrationRecord } = opaque.client.finishRegistration({
    clientRegistrationState,
    registrationResponse: started.response,
    password,
    keyStretching: KEY_STRETCHING,
  });
  await client.request(Op.passwordFinish, { record: registrationRecord });
}

// Registration, login, logout and profile operations (PROTOCOL.md §10.2, §10.3, §10.6).

import * as v from "valibot";
import { FONT_LIMITS } from "../accounts.ts";
import { defineOp } from "../define.ts";
import * as s from "../schema.ts";
import { LOGIN_BUNDLE, profile } from "./bundle.ts";
import { deviceRegistration } from "./devices.ts";

/** Longest OPAQUE message a request may carry, in base64url characters. */
export const MAX_OPAQUE_MESSAGE = 8192;
/** Longest invite code a request may carry, before normalisation (§10.2). */
export const MAX_INVITE = 256;

const opaqueMessage = s.text(MAX_OPAQUE_MESSAGE);

/** Registration, OPAQUE step 1. Names are plain strings here: their rules answer `*_invalid`, after other checks. */
export const registerStart = defineOp({
  opcode: 0x0010,
  name: "register_start",
  request: s.map({
    username: s.string,
    nickname: s.string,
    request: opaqueMessage,
    invite: v.nullish(s.text(MAX_INVITE)),
  }),
  response: s.map({ response: s.string }),
  errors: [
    "registration_closed",
    "rate_limited",
    "invite_required",
    "invite_invalid",
    "username_invalid",
    "nickname_invalid",
    "throttled",
    "username_taken",
  ],
  auth: "anonymous",
  ordered: true,
});

/** Registration, OPAQUE step 2: creates the account (and spends its invite); does not log in. */
export const registerFinish = defineOp({
  opcode: 0x0011,
  name: "register_finish",
  request: s.map({ record: opaqueMessage }),
  response: s.map({ user: profile }),
  errors: ["out_of_order", "rate_limited", "username_taken", "invite_invalid"],
  auth: "anonymous",
  ordered: true,
});

/** Login, OPAQUE step 1: KE1 in, KE2 out (from a fake record for an unknown name). */
export const loginStart = defineOp({
  opcode: 0x0012,
  name: "login_start",
  request: s.map({ username: s.string, request: opaqueMessage }),
  response: s.map({ response: s.string }),
  errors: ["already_logged_in", "username_invalid", "throttled"],
  auth: "anonymous",
  ordered: true,
});

/**
 * Login, OPAQUE step 2: KE3 and the channel-bound proof; optionally remembers this device (§10.9). Answers the
 * server's proof, the login bundle and the new device's id (null when none was asked for).
 */
export const loginFinish = defineOp({
  opcode: 0x0013,
  name: "login_finish",
  request: s.map({ finish: opaqueMessage, proof: s.bytes(32), device: v.nullish(deviceRegistration) }),
  response: s.map({ ...LOGIN_BUNDLE, proof: s.bytes(32), deviceId: v.nullable(s.id) }),
  errors: ["out_of_order", "credentials_wrong"],
  auth: "anonymous",
  ordered: true,
});

/** Ends the session and forgets the device it logged in or resumed with; the connection stays open. */
export const logout = defineOp({
  opcode: 0x0014,
  name: "logout",
  request: s.map({}),
  response: s.map({}),
  errors: [],
  auth: "user",
  ordered: true,
});

/** Changes the nickname; its rule (§10.1) answers `nickname_invalid`. */
export const setNickname = defineOp({
  opcode: 0x0015,
  name: "set_nickname",
  request: s.map({ nickname: s.string }),
  response: s.map({ user: profile }),
  errors: ["nickname_invalid"],
  auth: "user",
  ordered: true,
});

const fontFamily = v.pipe(
  v.string(s.mustBe("a string or null")),
  v.check((family) => {
    const length = [...family.trim()].length;
    return length >= 1 && length <= FONT_LIMITS.maxFamily;
  }, `must be 1 to ${FONT_LIMITS.maxFamily} characters (white space around it aside), or null`),
);
const fontSize = v.pipe(
  v.number(s.mustBe("a whole number or null")),
  v.safeInteger(s.mustBe("a whole number or null")),
  v.minValue(FONT_LIMITS.minSize, `must be from ${FONT_LIMITS.minSize} to ${FONT_LIMITS.maxSize}, or null`),
  v.maxValue(FONT_LIMITS.maxSize, `must be from ${FONT_LIMITS.minSize} to ${FONT_LIMITS.maxSize}, or null`),
);

/** Stores the chat font preferences; null is the client's default. Both keys are required. */
export const setFont = defineOp({
  opcode: 0x0016,
  name: "set_font",
  request: s.map({ family: v.nullable(fontFamily), size: v.nullable(fontSize) }),
  response: s.map({ user: profile }),
  errors: [],
  auth: "user",
  ordered: true,
});

/** Password change, OPAQUE re-registration step 1. */
export const passwordStart = defineOp({
  opcode: 0x0017,
  name: "password_start",
  request: s.map({ request: opaqueMessage }),
  response: s.map({ response: s.string }),
  errors: [],
  auth: "user",
  ordered: true,
});

/** Password change, OPAQUE re-registration step 2: replaces the account's record. */
export const passwordFinish = defineOp({
  opcode: 0x0018,
  name: "password_finish",
  request: s.map({ record: opaqueMessage }),
  response: s.map({}),
  errors: ["out_of_order"],
  auth: "user",
  ordered: true,
});

// Remembered devices: resume without the password, list and revoke (PROTOCOL.md §10.9).

import * as v from "valibot";
import { NOT_IN_DISPLAY_NAME } from "../accounts.ts";
import { defineOp } from "../define.ts";
import * as s from "../schema.ts";
import { LOGIN_BUNDLE } from "./bundle.ts";

/** Longest device name, in characters (code points). */
export const MAX_DEVICE_NAME = 64;

/** SEC1 uncompressed P-256 point: `04 || X || Y`. */
const p256PublicKey = v.pipe(
  s.bytes(65),
  v.check((key) => key[0] === 0x04, "must be an uncompressed P-256 point (65 bytes starting 04)"),
);

/** What `login_finish` carries to remember the device: a name the user recognises and the device's public key. */
export const deviceRegistration = s.map({
  name: v.pipe(
    s.chars(1, MAX_DEVICE_NAME),
    v.check((name) => !NOT_IN_DISPLAY_NAME.test(name), "cannot hold control characters or line breaks"),
  ),
  publicKey: p256PublicKey,
});

/** Logs in as a remembered device: ECDSA P-256 over "mimi/1 resume" || exporter, r || s (64 bytes). */
export const resume = defineOp({
  opcode: 0x0019,
  name: "resume",
  request: s.map({ deviceId: s.id, proof: s.bytes(64) }),
  response: s.map({ ...LOGIN_BUNDLE, deviceId: s.id }),
  errors: ["device_unknown", "already_logged_in", "throttled"],
  auth: "anonymous",
  ordered: true,
});

/** One remembered device of the user; `current` marks the one this connection logged in or resumed with. */
export const device = s.map({
  id: s.id,
  name: s.string,
  createdAt: s.time,
  lastUsedAt: s.time,
  current: s.bool,
});

/** The user's remembered devices. */
export const listDevices = defineOp({
  opcode: 0x001a,
  name: "list_devices",
  request: s.map({}),
  response: s.map({ devices: s.list(device) }),
  errors: [],
  auth: "user",
});

/** Forgets one of the user's devices; its open connection, if any, is kicked with reason "revoked". */
export const revokeDevice = defineOp({
  opcode: 0x001b,
  name: "revoke_device",
  request: s.map({ deviceId: s.id }),
  response: s.map({}),
  errors: ["device_unknown"],
  auth: "user",
});

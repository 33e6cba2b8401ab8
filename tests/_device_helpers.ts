// Helpers for the remembered-device tests: a login that remembers the device and a resume, both on the current
// MimiClient with the SDK's device key and resume proof, as a client does them (PROTOCOL.md §10.9).

import assert from "node:assert/strict";
import * as opaque from "@serenity-kit/opaque";
import type { MimiClient } from "../core/client/client.ts";
import type { DeviceKey } from "../core/client/device_key.ts";
import { resumeProof } from "../core/client/resume_proof.ts";
import { constantTimeEqual } from "../core/bytes/mod.ts";
import type { LoginBundle } from "../core/protocol/ops/bundle.ts";
import { ProtocolError } from "../core/protocol/errors.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { KEY_STRETCHING, loginProof } from "./_accounts_helpers.ts";

/** What `login_finish` and `resume` answer: the bundle and the device's id. */
export type DeviceAnswer = LoginBundle & { deviceId: number };

/** A device the server remembered: its key and the id it issued. */
export interface RememberedDevice {
  key: DeviceKey;
  deviceId: number;
}

/**
 * Logs in with the password and asks the server to remember this device (`login_finish` with `device`).
 *
 * @param client A connected client.
 * @param username The username.
 * @param password The password.
 * @param key The device's key pair; its public half is sent.
 * @param name What the device list calls it.
 * @returns The remembered device and the login bundle; rejects with ProtocolError like a login.
 */
export async function loginRemembering(
  client: MimiClient,
  username: string,
  password: string,
  key: DeviceKey,
  name = "Test device",
): Promise<{ device: RememberedDevice; bundle: LoginBundle }> {
  const binding = client.channelBinding!;
  await opaque.ready;
  const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password });
  const started = await client.request(Op.loginStart, { username, request: startLoginRequest }) as { response: string };
  const result = opaque.client.finishLogin({
    clientLoginState,
    loginResponse: started.response,
    password,
    keyStretching: KEY_STRETCHING,
  });
  if (!result) throw new ProtocolError("credentials_wrong", "Wrong username or password");
  const answer = await client.request(Op.loginFinish, {
    finish: result.finishLoginRequest,
    proof: loginProof(result.sessionKey, "client", binding),
    device: { name, publicKey: key.publicKey },
  }) as unknown as DeviceAnswer & { proof: Uint8Array };
  assert.ok(constantTimeEqual(answer.proof, loginProof(result.sessionKey, "server", binding)), "the server's proof");
  const { proof: _proof, deviceId, ...bundle } = answer;
  assert.equal(typeof deviceId, "number", "a remembered device gets an id");
  return { device: { key, deviceId }, bundle };
}

/**
 * Resumes as a remembered device, proving over this client's own channel.
 *
 * @param client A connected client.
 * @param device The remembered device.
 * @returns The answer: the bundle and the device id; rejects with ProtocolError (`device_unknown`, `throttled`, …).
 */
export async function resume(client: MimiClient, device: RememberedDevice): Promise<DeviceAnswer> {
  const proof = await resumeProof(device.key.sign, client.channelBinding!);
  return await client.request(Op.resume, { deviceId: device.deviceId, proof }) as unknown as DeviceAnswer;
}

/** The answer of `list_devices`. */
export interface DeviceList {
  devices: { id: number; name: string; createdAt: number; lastUsedAt: number; current: boolean }[];
}

/** Lists the logged-in user's devices. */
export async function listDevices(client: MimiClient): Promise<DeviceList["devices"]> {
  return (await client.request(Op.listDevices, {}) as unknown as DeviceList).devices;
}

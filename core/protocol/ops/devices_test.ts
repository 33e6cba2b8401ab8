// Tests for remembered devices: the registration login_finish carries, resume, list and revoke (PROTOCOL.md §10.9).

import assert from "node:assert/strict";
import { parseValue } from "../parse.ts";
import { deviceRegistration, listDevices, MAX_DEVICE_NAME, resume, revokeDevice } from "./devices.ts";

const publicKey = new Uint8Array(65).fill(1);
publicKey[0] = 0x04;

Deno.test("a device to remember has a name of 1 to 64 characters without control characters", () => {
  assert.equal(parseValue(deviceRegistration, { name: "𠮷".repeat(MAX_DEVICE_NAME), publicKey }).ok, true);
  for (
    const [name, message] of [
      ["", "Field name must be 1 to 64 characters"],
      ["x".repeat(MAX_DEVICE_NAME + 1), "Field name must be 1 to 64 characters"],
      ["Phone\nFake line", "Field name cannot hold control characters or line breaks"],
    ]
  ) {
    assert.deepEqual(parseValue(deviceRegistration, { name, publicKey }), { ok: false, path: "name", message });
  }
});

Deno.test("a device's public key is an uncompressed P-256 point: 65 bytes starting 04", () => {
  const compressed = new Uint8Array(33).fill(2);
  assert.deepEqual(parseValue(deviceRegistration, { name: "Phone", publicKey: compressed }), {
    ok: false,
    path: "publicKey",
    message: "Field publicKey must be 65 bytes, not 33",
  });
  assert.deepEqual(parseValue(deviceRegistration, { name: "Phone", publicKey: publicKey.with(0, 0x02) }), {
    ok: false,
    path: "publicKey",
    message: "Field publicKey must be an uncompressed P-256 point (65 bytes starting 04)",
  });
});

Deno.test("resume wants a device id and a 64-byte r || s signature", () => {
  assert.equal(parseValue(resume.request, { deviceId: 3, proof: new Uint8Array(64) }).ok, true);
  assert.deepEqual(parseValue(resume.request, { deviceId: 3, proof: new Uint8Array(72) }), {
    ok: false,
    path: "proof",
    message: "Field proof must be 64 bytes, not 72",
  });
  assert.equal(parseValue(resume.request, { deviceId: "3", proof: new Uint8Array(64) }).ok, false);
});

Deno.test("list_devices marks the current device and revoke_device names one by id", () => {
  const device = { id: 3, name: "Phone", createdAt: 1, lastUsedAt: 2, current: false };
  assert.equal(parseValue(listDevices.response, { devices: [device] }).ok, true);
  assert.deepEqual(parseValue(revokeDevice.request, { deviceId: 0 }), {
    ok: false,
    path: "deviceId",
    message: "Field deviceId must be an id (a whole number from 1)",
  });
});

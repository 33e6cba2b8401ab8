// The devices service: resume as a remembered device, list and revoke devices, forget one at logout (PROTOCOL.md §10.9).

import { verifyResumeProof } from "../../../core/crypto/resume_binding.ts";
import type { CryptoProvider } from "../../../core/crypto/primitives/types.ts";
import type { Clock } from "../../../core/time/clock.ts";
import type { Hub } from "../../hub/types.ts";
import { RequestError } from "../../rpc/errors.ts";
import { defineService, type Service } from "../../rpc/service.ts";
import { RecordNotFoundError } from "../../store/errors.ts";
import type { Store } from "../../store/types.ts";
import { audit, throttled } from "../_audit.ts";
import { loginBundle } from "../accounts/bundle.ts";
import type { LoginThrottle } from "../accounts/throttle.ts";

/** What the devices service needs. */
export interface DevicesDeps {
  store: Store;
  hub: Hub;
  /** The login throttle: a failed resume counts against the address, never against the account. */
  throttle: LoginThrottle;
  /** Verifies resume proofs (its `ecdsa-p256` scheme). */
  provider: CryptoProvider;
  clock: Clock;
}

/**
 * The devices service.
 *
 * @param deps Store, hub, throttle, crypto provider and clock.
 * @returns The service.
 */
export function devicesService(deps: DevicesDeps): Service {
  const { store, hub, throttle, provider, clock } = deps;
  const ecdsa = provider.signature("ecdsa-p256");
  // An unknown device id is checked against this key, so that its answer takes as long as a wrong proof's and the
  // time to answer says nothing about which ids exist either.
  const decoy = ecdsa.generateKeyPair().publicKey;

  /** Unknown, revoked and wrong proof get this one answer (PROTOCOL.md §10.9). */
  const unknownDevice = (cause?: unknown) =>
    new RequestError("device_unknown", "This device is not remembered: log in with your password", { cause });

  return defineService({
    name: "devices",
    ops: {
      async resume({ deviceId, proof }, context) {
        const { connection, logger } = context;
        if (context.user) throw new RequestError("already_logged_in", "Already logged in");
        const address = connection.remoteHost;
        // Resume is not a password guess: only the address count applies, never the account's (OWASP device cookies).
        const wait = throttle.addressWaitMs(address);
        if (wait > 0) throw throttled(logger, connection, wait, { op: "resume" });
        const binding = connection.channelBinding;
        if (!binding) throw new TypeError("This connection has no secure channel");
        const device = await store.devices.findById(deviceId);
        const valid = await verifyResumeProof(device?.publicKey ?? decoy, binding, proof, provider);
        const fail = (cause?: unknown) => {
          throttle.failAddress(address);
          audit(logger, "resume_failed", connection, { device: deviceId });
          return unknownDevice(cause);
        };
        if (!device || !valid) throw fail();
        try {
          await store.devices.touch(device.id, clock.now());
        } catch (error) {
          // Revoked between the lookup and now: as unknown as if it had been gone before.
          if (error instanceof RecordNotFoundError) throw fail(error);
          throw error;
        }
        const user = await store.users.findById(device.userId);
        if (!user) throw fail();
        await context.logIn({ id: user.id, username: user.username, nickname: user.nickname, deviceId: device.id });
        audit(logger, "resume", connection, { user: user.id, device: device.id });
        return { deviceId: device.id, ...await loginBundle(store, (id) => hub.isOnline(id), user) };
      },

      async listDevices(_body, { user }) {
        const devices = await store.devices.listFor(user.id);
        return {
          devices: devices.map((device) => ({
            id: device.id,
            name: device.name,
            createdAt: device.createdAt,
            lastUsedAt: device.lastUsedAt,
            current: device.id === user.deviceId,
          })),
        };
      },

      async revokeDevice({ deviceId }, context) {
        const { user, connection, logger } = context;
        // Another user's device is as unknown as one that never existed.
        if (!await store.devices.delete(deviceId, user.id)) throw unknownDevice();
        audit(logger, "device_revoked", connection, { user: user.id, device: deviceId });
        // After the answer: when the revoked device is the one asking, it hears the answer before its kick.
        context.afterAnswer(async () => {
          await hub.kick(user.id, deviceId, "revoked", connection.remoteAddress);
        });
        return {};
      },
    },

    async onLogout({ connection, logger }, user) {
      // A user who logs out expects this device to be signed out: it cannot resume any more.
      if (user.deviceId === null) return;
      if (await store.devices.delete(user.deviceId, user.id)) {
        audit(logger, "device_forgotten", connection, { user: user.id, device: user.deviceId });
      }
    },
  });
}

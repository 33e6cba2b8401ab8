// Every service of the server, made from what they need; server.ts hands the list to the dispatcher.

import type { RegistrationMode } from "../../core/config/schema.ts";
import type { CryptoProvider } from "../../core/crypto/primitives/types.ts";
import type { Clock } from "../../core/time/clock.ts";
import type { Hub } from "../hub/types.ts";
import type { Service } from "../rpc/service.ts";
import type { Store } from "../store/types.ts";
import { accountsService } from "./accounts/service.ts";
import { RegistrationLimiter } from "./accounts/registration_limit.ts";
import { LoginThrottle } from "./accounts/throttle.ts";
import { loadOpaqueSetup } from "./accounts/opaque_setup.ts";
import { devicesService } from "./devices/service.ts";
import { friendsService } from "./friends/service.ts";
import type { MessageLimits } from "./messages/body.ts";
import { type BlobReferences, messagesService } from "./messages/service.ts";
import { presenceService } from "./presence/service.ts";
import { sessionService } from "./session/service.ts";

/** What the services need from the server. */
export interface ServiceDeps {
  store: Store;
  /** Delivery, logins and presence. */
  hub: Hub;
  clock: Clock;
  /** Verifies resume proofs. */
  provider: CryptoProvider;
  /** The OPAQUE server setup (accounts/opaque_setup.ts). */
  opaqueSetup: string;
  /** Who may register (`server.registration`). */
  registration: RegistrationMode;
  /** `server.limits.registrationsPerIpPerHour` and `registrationsPerHour`, and the message limits. */
  limits: { registrationsPerIpPerHour: number; registrationsPerHour: number } & MessageLimits;
  /** `server.recallWindowMs`. */
  recallWindowMs: number;
  /** The blob store's check that a user may put a blob in a message; absent until blobs are served. */
  blobs?: BlobReferences;
}

/** What the services keep in the data directory, read (or made, at the first start) before they are created. */
export interface ServiceFiles {
  /** The OPAQUE server setup (accounts/opaque_setup.ts). */
  opaqueSetup: string;
}

/**
 * Reads or creates the files the services keep in the data directory.
 *
 * @param dataDir The data directory.
 * @param step Runs the loading of one file; the server passes a wrapper that turns a failure into a startup error
 *   naming the file.
 * @returns What {@link createServices} needs of them.
 */
export async function loadServiceFiles(
  dataDir: string,
  step: <T>(path: string, load: () => Promise<T>) => Promise<T>,
): Promise<ServiceFiles> {
  return { opaqueSetup: await step(`${dataDir}/opaque_server_setup`, () => loadOpaqueSetup(dataDir)) };
}

/**
 * Makes every service.
 *
 * @param deps Store, hub, clock, crypto provider, OPAQUE setup and settings.
 * @returns The services, in the order their hooks run.
 */
export function createServices(deps: ServiceDeps): Service[] {
  const { store, hub, clock } = deps;
  const now = () => clock.now();
  const throttle = new LoginThrottle(undefined, now);
  return [
    sessionService({ hub, clock }),
    accountsService({
      store,
      isOnline: (userId) => hub.isOnline(userId),
      throttle,
      registration: deps.registration,
      registrationLimiter: new RegistrationLimiter({
        perAddressPerHour: deps.limits.registrationsPerIpPerHour,
        perHour: deps.limits.registrationsPerHour,
      }, now),
      opaqueSetup: deps.opaqueSetup,
      clock,
    }),
    devicesService({ store, hub, throttle, provider: deps.provider, clock }),
    presenceService({ store, hub }),
    friendsService({ store, hub, clock }),
    messagesService({
      store,
      hub,
      clock,
      limits: deps.limits,
      recallWindowMs: deps.recallWindowMs,
      blobs: deps.blobs,
    }),
  ];
}

// Every service of the server, made from what they need; server.ts hands the list to the dispatcher.

import type { RegistrationMode } from "../../core/config/schema.ts";
import type { CryptoProvider } from "../../core/crypto/primitives/types.ts";
import type { Clock } from "../../core/time/clock.ts";
import { openFileBlobStore } from "../blobs/file.ts";
import type { BlobStore } from "../blobs/types.ts";
import type { Hub } from "../hub/types.ts";
import type { Logger } from "../log.ts";
import type { Service } from "../rpc/service.ts";
import type { Store } from "../store/types.ts";
import { accountsService } from "./accounts/service.ts";
import { blobsService } from "./blobs/service.ts";
import { RegistrationLimiter } from "./accounts/registration_limit.ts";
import { LoginThrottle } from "./accounts/throttle.ts";
import { loadOpaqueSetup } from "./accounts/opaque_setup.ts";
import { opaqueInWorker, type OpaqueServer } from "./accounts/opaque_server.ts";
import { devicesService } from "./devices/service.ts";
import { friendsService } from "./friends/service.ts";
import type { MessageLimits } from "./messages/body.ts";
import { messagesService } from "./messages/service.ts";
import { presenceService } from "./presence/service.ts";
import { roomsService } from "./rooms/service.ts";
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
  /** Where the OPAQUE steps run. */
  opaque: OpaqueServer;
  /** Who may register (`server.registration`). */
  registration: RegistrationMode;
  /** `server.limits.registrationsPerIpPerHour` and `registrationsPerHour`, the message and image limits, `openUploads`. */
  limits: { registrationsPerIpPerHour: number; registrationsPerHour: number; openUploads: number } & MessageLimits;
  /** Where blob bytes live (server/blobs/). */
  blobStore: BlobStore;
  /** `server.uploadTtlMs`. */
  uploadTtlMs: number;
  /** `server.recallWindowMs`. */
  recallWindowMs: number;
  /** `server.lobbyCountIntervalMs`. */
  lobbyCountIntervalMs: number;
  /** Where failures no request hears of are logged (the lobby's background count). */
  logger?: Logger;
}

/** What the services keep in the data directory, read (or made, at the first start) before they are created. */
export interface ServiceFiles {
  /** The OPAQUE server setup (accounts/opaque_setup.ts). */
  opaqueSetup: string;
  /** Where the OPAQUE steps run: a worker the caller closes when the server stops. */
  opaque: OpaqueServer;
  /** The blob bytes under `blobs/` and `uploads/` (server/blobs/file.ts). */
  blobStore: BlobStore;
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
  const opaque = opaqueInWorker();
  try {
    return {
      opaqueSetup: await step(`${dataDir}/opaque_server_setup`, () => loadOpaqueSetup(dataDir, opaque)),
      opaque,
      blobStore: await step(`${dataDir}/blobs`, () => openFileBlobStore(dataDir)),
    };
  } catch (error) {
    opaque.close();
    throw error;
  }
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
  const blobs = blobsService({
    store,
    blobs: deps.blobStore,
    clock,
    limits: deps.limits,
    uploadTtlMs: deps.uploadTtlMs,
    // Besides its uploaders, whoever may read a conversation whose messages show the blob (PROTOCOL.md §15): its
    // members, and everyone for the lobby (§13.4).
    mayRead: async (userId, sha256) =>
      await store.conversations.referencesBlob(userId, sha256) || await store.rooms.lobbyReferencesBlob(sha256),
  });
  const rooms = roomsService({
    store,
    hub,
    clock,
    lobbyCountIntervalMs: deps.lobbyCountIntervalMs,
    logger: deps.logger,
  });
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
      opaque: deps.opaque,
      clock,
    }),
    devicesService({ store, hub, throttle, provider: deps.provider, clock }),
    presenceService({ store, hub }),
    blobs,
    friendsService({ store, hub, clock }),
    messagesService({
      store,
      hub,
      clock,
      limits: deps.limits,
      recallWindowMs: deps.recallWindowMs,
      // An image message may name a blob its sender uploaded or can already read (PROTOCOL.md §14.3, §15).
      blobs: { mayReference: (userId, sha256) => blobs.mayReference(userId, sha256) },
      // The lobby is open to everyone and heard live by its watchers; a room's former members are refused (§13).
      rooms: rooms.conversations,
    }),
    rooms,
  ];
}

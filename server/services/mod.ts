// Every service of the server, made from what they need; server.ts hands the list to the dispatcher.

import type { RegistrationMode } from "../../core/config/schema.ts";
import type { Clock } from "../../core/time/clock.ts";
import type { Logger } from "../log.ts";
import type { Service } from "../rpc/service.ts";
import type { Store } from "../store/types.ts";
import { accountsService } from "./accounts/service.ts";
import { RegistrationLimiter } from "./accounts/registration_limit.ts";
import { LoginThrottle } from "./accounts/throttle.ts";
import { sessionService } from "./session/service.ts";
import { Sessions } from "./session/sessions.ts";

/** What the services need from the server. */
export interface ServiceDeps {
  store: Store;
  logger: Logger;
  clock: Clock;
  /** The OPAQUE server setup (accounts/opaque_setup.ts). */
  opaqueSetup: string;
  /** Who may register (`server.registration`). */
  registration: RegistrationMode;
  /** `server.limits.registrationsPerIpPerHour` and `registrationsPerHour`. */
  limits: { registrationsPerIpPerHour: number; registrationsPerHour: number };
  /** `server.presenceGraceMs`. */
  presenceGraceMs: number;
}

/** The services and what the server must do with them at shutdown. */
export interface Services {
  readonly list: readonly Service[];
  /** Finishes the services' background work (last-seen times are written); call before the store closes. */
  close(): Promise<void>;
}

/**
 * Makes every service.
 *
 * @param deps Store, logger, clock, OPAQUE setup and settings.
 * @returns The services, in the order their hooks run.
 */
export function createServices(deps: ServiceDeps): Services {
  const { store, logger, clock } = deps;
  const now = () => clock.now();
  const sessions = new Sessions({ store, logger, graceMs: deps.presenceGraceMs, clock });
  const throttle = new LoginThrottle(undefined, now);
  const list = [
    sessionService({ sessions, clock }),
    accountsService({
      store,
      isOnline: (userId) => sessions.isOnline(userId),
      throttle,
      registration: deps.registration,
      registrationLimiter: new RegistrationLimiter({
        perAddressPerHour: deps.limits.registrationsPerIpPerHour,
        perHour: deps.limits.registrationsPerHour,
      }, now),
      opaqueSetup: deps.opaqueSetup,
      clock,
    }),
  ];
  return { list, close: () => sessions.close() };
}

// The accounts service: OPAQUE registration and login bound to the channel, profile, password, logout (PROTOCOL.md §10).

import type { RegistrationMode } from "../../../core/config/schema.ts";
import { loginProof } from "../../../core/crypto/login_binding.ts";
import { isDevicePublicKey } from "../../../core/crypto/resume_binding.ts";
import { constantTimeEqual, utf8 } from "../../../core/bytes/mod.ts";
import { checkFont, parseNickname, parseUsername } from "../../../core/protocol/accounts.ts";
import type { Clock } from "../../../core/time/clock.ts";
import type { Logger } from "../../log.ts";
import type { ConnectionContext, RequestContext } from "../../rpc/context.ts";
import { stateSlot } from "../../rpc/context.ts";
import { RequestError } from "../../rpc/errors.ts";
import { defineService, type Service } from "../../rpc/service.ts";
import { UsernameTakenError } from "../../store/errors.ts";
import type { Store, UserRecord } from "../../store/types.ts";
import { type IsOnline, loginBundle, profile } from "./bundle.ts";
import { inviteCodeHash } from "./invites.ts";
import type { RegistrationLimiter } from "./registration_limit.ts";
import type { LoginThrottle } from "./throttle.ts";
import { audit, throttled, waitText } from "../_audit.ts";
import { rememberDevice } from "../devices/remember.ts";
import { type OpaqueServer, OpaqueStepError } from "./opaque_server.ts";

/** What the accounts service needs. */
export interface AccountsDeps {
  store: Store;
  /** Whether a friend is online, for the login bundle. */
  isOnline: IsOnline;
  throttle: LoginThrottle;
  /** Who may register (`server.registration`). */
  registration: RegistrationMode;
  /** Accounts per hour, per address and in total (`server.limits.registrationsPer…`). */
  registrationLimiter: RegistrationLimiter;
  /** The OPAQUE server setup (see opaque_setup.ts). */
  opaqueSetup: string;
  /** Where the OPAQUE steps run (the server's worker). */
  opaque: OpaqueServer;
  clock: Clock;
}

/** Per-connection progress through the two-step OPAQUE exchanges. */
interface Pending {
  /** `invite`: the hash of the code given, in invite mode; consumed when the account is created. */
  registration?: { username: string; key: string; nickname: string; invite?: Uint8Array };
  /** The key of the account this connection registered last, until its next login_start (never throttled). */
  registered?: string;
  /** `logger` is kept so an attempt abandoned by a closing connection can still be audited. */
  login?: { key: string; userId: number | undefined; state: string; logger: Logger };
  password?: boolean;
}

const pending = stateSlot<Pending>("accounts", () => ({}));

/**
 * The accounts service: register, login, logout, profile and password operations.
 *
 * @param deps Store, presence, throttle, registration rules, OPAQUE setup and clock.
 * @returns The service.
 */
export function accountsService(deps: AccountsDeps): Service {
  const { store, throttle, registration: mode, registrationLimiter: limiter, opaqueSetup, opaque, clock } = deps;
  const now = () => clock.now();

  /** The logged-in user's record; an account deleted meanwhile is as good as logged out. */
  const currentUser = async (userId: number): Promise<UserRecord> => {
    const user = await store.users.findById(userId);
    if (!user) throw new RequestError("not_logged_in", "Log in first");
    return user;
  };

  /**
   * An honest client whose OPAQUE check fails (wrong password, unknown user) never sends login_finish, so a login
   * that the connection abandons (by starting another or by closing) is the only sign of it the server gets.
   */
  const auditAbandoned = (context: ConnectionContext) => {
    const state = context.state(pending);
    const login = state.login;
    if (!login) return;
    state.login = undefined;
    audit(login.logger, "login_failed", context.connection, { account: login.key, reason: "unfinished" });
  };

  /** Refuses a registration over the address's or the server's hourly rate (PROTOCOL.md §10.2). */
  const checkRegistrationRate = ({ logger, connection }: RequestContext) => {
    const limited = limiter.waitMs(connection.remoteHost);
    if (limited > 0) {
      audit(logger, "register_limited", connection, { retryAfterMs: limited });
      throw new RequestError("rate_limited", `Too many new accounts: try again in ${waitText(limited)}`, {
        retryAfterMs: limited,
      });
    }
  };

  return defineService({
    name: "accounts",
    ops: {
      // PROTOCOL.md §10.2: the checks run in this order, each before any OPAQUE work.
      async registerStart({ username, nickname, request, invite }, context) {
        const { connection, logger } = context;
        if (mode === "closed") {
          throw new RequestError("registration_closed", "This server does not accept new accounts");
        }
        const address = connection.remoteHost;
        checkRegistrationRate(context);
        let inviteHash: Uint8Array | undefined;
        if (mode === "invite") {
          if (invite === undefined || invite === null || invite.trim() === "") {
            throw new RequestError("invite_required", "This server needs an invite code to register");
          }
          inviteHash = inviteCodeHash(invite);
          if (!inviteHash || !await store.invites.findUsable(inviteHash, now())) throw invalidInvite();
        }
        const name = parseUsername(username);
        if ("error" in name) throw new RequestError("username_invalid", name.error);
        const nick = parseNickname(nickname);
        if ("error" in nick) throw new RequestError("nickname_invalid", nick.error);
        // A throttled address is refused whether or not the name is free, or the refusal itself would say it is taken.
        const wait = throttle.addressWaitMs(address);
        if (wait > 0) throw throttled(logger, connection, wait, { op: "register_start" });
        // Only a hint: another connection may take the name before register_finish, which the UNIQUE key then refuses.
        if (await store.users.findByKey(name.key)) {
          // "Taken" tells whether an account exists: it costs the address what a failed login costs.
          throttle.failAddress(address);
          throw new RequestError("username_taken", `${name.username} is taken`);
        }
        const { registrationResponse } = await opaqueCall(
          opaque.registrationResponse({
            serverSetup: opaqueSetup,
            userIdentifier: name.key,
            registrationRequest: request,
          }),
        );
        context.state(pending).registration = {
          username: name.username,
          key: name.key,
          nickname: nick.nickname,
          invite: inviteHash,
        };
        return { response: registrationResponse };
      },

      async registerFinish({ record }, context) {
        const { connection, logger } = context;
        const state = context.state(pending);
        const registration = state.registration;
        if (!registration) throw new RequestError("out_of_order", "register_finish needs register_start first");
        state.registration = undefined;
        const registrationRecord = utf8(await checkedRecord(opaque, opaqueSetup, registration.key, record));
        const address = connection.remoteHost;
        let user: UserRecord;
        try {
          // One transaction: an invite is spent if and only if the account is created. The rate is checked and
          // charged inside it: transactions run one at a time, so no other registration can take the last token in
          // between.
          user = await store.transaction(async (tx) => {
            // Checked again: other connections from the address may have used the last token since register_start.
            checkRegistrationRate(context);
            const created = await tx.users.create({
              username: registration.username,
              usernameKey: registration.key,
              nickname: registration.nickname,
              registrationRecord,
              createdAt: now(),
            });
            if (registration.invite && !await tx.invites.consume(registration.invite, created.id, now())) {
              throw invalidInvite();
            }
            limiter.charge(address);
            return created;
          });
        } catch (error) {
          if (error instanceof UsernameTakenError) {
            throw new RequestError("username_taken", `${registration.username} is taken`, { cause: error });
          }
          throw error;
        }
        state.registered = registration.key;
        audit(logger, "register", connection, { user: user.id, invite: registration.invite !== undefined });
        return { user: profile(user) };
      },

      async loginStart({ username, request }, context) {
        const { connection, logger } = context;
        const state = context.state(pending);
        if (context.user) throw new RequestError("already_logged_in", "Already logged in");
        auditAbandoned(context);
        const name = parseUsername(username);
        if ("error" in name) throw new RequestError("username_invalid", name.error);
        const address = connection.remoteHost;
        // The first login of an account this connection has just created is never throttled: its failures so far
        // were the new user's own, and refusing it would leave them with an account they are told to wait for.
        const justRegistered = state.registered === name.key;
        state.registered = undefined;
        const wait = justRegistered ? 0 : throttle.waitMs(name.key, address);
        if (wait > 0) throw throttled(logger, connection, wait, { account: name.key });
        // Counted as a failure until login_finish succeeds on this connection.
        throttle.fail(name.key, address);
        const user = await store.users.findByKey(name.key);
        // No record for an unknown name: the library answers from a fake one, so both cases look the same.
        const { loginResponse, serverLoginState } = await opaqueCall(
          opaque.startLogin({
            serverSetup: opaqueSetup,
            userIdentifier: name.key,
            registrationRecord: user ? new TextDecoder().decode(user.registrationRecord) : null,
            startLoginRequest: request,
          }),
        );
        state.login = { key: name.key, userId: user?.id, state: serverLoginState, logger };
        return { response: loginResponse };
      },

      async loginFinish({ finish, proof, device }, context) {
        const { connection, logger } = context;
        // Checked before anything else: a key no proof could verify against must not be remembered (§10.9).
        if (device && !isDevicePublicKey(device.publicKey)) {
          throw new RequestError("bad_request", "Field device.publicKey must be a point on the P-256 curve");
        }
        const state = context.state(pending);
        const login = state.login;
        if (!login) throw new RequestError("out_of_order", "login_finish needs login_start first");
        state.login = undefined;
        const binding = connection.channelBinding;
        if (!binding) throw new TypeError("This connection has no secure channel");
        let sessionKey: string | undefined;
        try {
          sessionKey = (await opaque.finishLogin({ finishLoginRequest: finish, serverLoginState: login.state }))
            .sessionKey;
        } catch (error) {
          // Only the library's refusal is a wrong password; a worker that cannot run is the server's failure.
          if (!(error instanceof OpaqueStepError)) throw error;
          // A KE3 that does not verify is a wrong password (or a relay): the same answer as a bad proof below.
          logger.debug("login_finish_rejected", { conn: connection.id, error: String(error) });
        }
        const expected = sessionKey && loginProof(sessionKey, binding, "client");
        if (!expected || login.userId === undefined || !constantTimeEqual(proof, expected)) {
          audit(logger, "login_failed", connection, { account: login.key });
          throw new RequestError("credentials_wrong", "Wrong username or password");
        }
        const user = await store.users.findById(login.userId);
        if (!user) throw new RequestError("credentials_wrong", "Wrong username or password");
        const deviceId = device ? await rememberDevice(store, user.id, device, now()) : null;
        throttle.succeed(login.key, connection.remoteHost);
        await context.logIn({ id: user.id, username: user.username, nickname: user.nickname, deviceId });
        state.password = false; // a password change begun under another account must not carry over
        audit(logger, "login", connection, { user: user.id, ...(deviceId === null ? {} : { device: deviceId }) });
        return {
          proof: loginProof(sessionKey!, binding, "server"),
          deviceId,
          ...await loginBundle(store, deps.isOnline, user),
        };
      },

      async logout(_body, context) {
        const { user } = context;
        await context.logOut();
        context.state(pending).password = false;
        audit(context.logger, "logout", context.connection, { user: user.id });
        return {};
      },

      async setNickname({ nickname }, context) {
        const { user } = context;
        const nick = parseNickname(nickname);
        if ("error" in nick) throw new RequestError("nickname_invalid", nick.error);
        await store.users.setNickname(user.id, nick.nickname);
        // The connection's messages are pushed with its user's nickname from now on.
        context.renamed(nick.nickname);
        return { user: profile(await currentUser(user.id)) };
      },

      async setFont({ family, size }, { user }) {
        // The schema checked the limits; checkFont also trims the family, as it is stored.
        const checked = checkFont(family, size);
        if ("error" in checked) throw new RequestError("bad_request", checked.error);
        await store.users.setFont(user.id, checked.font.family, checked.font.size);
        return { user: profile(await currentUser(user.id)) };
      },

      async passwordStart({ request }, context) {
        const user = await currentUser(context.user.id);
        const { registrationResponse } = await opaqueCall(
          opaque.registrationResponse({
            serverSetup: opaqueSetup,
            userIdentifier: user.usernameKey,
            registrationRequest: request,
          }),
        );
        context.state(pending).password = true;
        return { response: registrationResponse };
      },

      async passwordFinish({ record }, context) {
        const user = await currentUser(context.user.id);
        const state = context.state(pending);
        if (!state.password) throw new RequestError("out_of_order", "password_finish needs password_start first");
        state.password = false;
        // The stored key, not one derived again from the display name: it is what the account registered under.
        const checked = utf8(await checkedRecord(opaque, opaqueSetup, user.usernameKey, record));
        await store.users.setRegistrationRecord(user.id, checked);
        audit(context.logger, "password_change", context.connection, { user: user.id });
        return {};
      },
    },
    onClose(context) {
      auditAbandoned(context);
    },
  });
}

/** Unknown, used and expired codes get this one answer, so it tells nothing about which codes exist. */
function invalidInvite(): RequestError {
  return new RequestError("invite_invalid", "This invite code is unknown, used or expired");
}

/** Awaits a step on client-supplied OPAQUE messages; a malformed one is the client's error, not ours. */
async function opaqueCall<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    if (!(error instanceof OpaqueStepError)) throw error;
    throw new RequestError("bad_request", `Malformed OPAQUE message: ${error.message.slice(0, 120)}`, {
      cause: error,
    });
  }
}

/**
 * Refuses a registration record the OPAQUE library cannot use, before it is stored: a bad one would make every
 * later login of the account fail, in a way that tells it apart from an unknown user.
 *
 * @param opaque Where the OPAQUE steps run.
 * @param serverSetup The OPAQUE server setup.
 * @param userIdentifier The account's username key.
 * @param record The client's RegistrationRecord (base64url).
 * @returns The record, unchanged.
 */
async function checkedRecord(
  opaque: OpaqueServer,
  serverSetup: string,
  userIdentifier: string,
  record: string,
): Promise<string> {
  try {
    await opaque.checkRecord({ serverSetup, userIdentifier, record });
  } catch (error) {
    if (!(error instanceof OpaqueStepError)) throw error;
    throw new RequestError("bad_request", `Malformed registration record: ${error.message.slice(0, 80)}`, {
      cause: error,
    });
  }
  return record;
}

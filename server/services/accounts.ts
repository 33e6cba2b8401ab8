// The accounts service: OPAQUE registration and login bound to the channel, profile, logout (PROTOCOL.md §10).

import * as opaque from "@serenity-kit/opaque";
import type { Value } from "../../core/codec/value.ts";
import type { RegistrationMode } from "../../core/config/schema.ts";
import { loginProof } from "../../core/crypto/login_binding.ts";
import { constantTimeEqual, utf8 } from "../../core/bytes/mod.ts";
import { checkFont, parseNickname, parseUsername } from "../../core/protocol/accounts.ts";
import { Op } from "../../core/protocol/opcodes.ts";
import type { Logger } from "../log.ts";
import { type Handler, RequestError } from "../session.ts";
import { UsernameTakenError } from "../store/errors.ts";
import type { Store, UserRecord } from "../store/types.ts";
import type { Connection } from "../transport/connection.ts";
import { inviteCodeHash } from "./invites.ts";
import type { RegistrationLimiter } from "./registration_limit.ts";
import type { Sessions } from "./sessions.ts";
import type { LoginThrottle } from "./throttle.ts";

/** What the accounts service needs. */
export interface AccountsDeps {
  store: Store;
  sessions: Sessions;
  throttle: LoginThrottle;
  /** Who may register (`server.registration`). */
  registration: RegistrationMode;
  /** Accounts per hour, per address and in total (`server.limits.registrationsPer…`). */
  registrationLimiter: RegistrationLimiter;
  /** The OPAQUE server setup (see opaque_setup.ts). */
  opaqueSetup: string;
  now?: () => number;
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

/**
 * Handlers for every accounts opcode, plus what to do when a connection ends.
 *
 * @param deps Store, sessions, throttle, OPAQUE setup and clock.
 * @returns `handlers` keyed by opcode and `closed(connection)`.
 */
export function accountsService(deps: AccountsDeps): {
  handlers: Map<number, Handler>;
  closed(connection: Connection): void;
} {
  const { store, sessions, throttle, registration: mode, registrationLimiter: limiter, opaqueSetup } = deps;
  const now = deps.now ?? Date.now;
  const pending = new WeakMap<Connection, Pending>();
  const stateOf = (connection: Connection) => {
    let state = pending.get(connection);
    if (!state) pending.set(connection, state = {});
    return state;
  };
  const requireUser = async (connection: Connection): Promise<UserRecord> => {
    const userId = sessions.userOf(connection);
    const user = userId === undefined ? undefined : await store.users.findById(userId);
    if (!user) throw new RequestError("not_logged_in", "Log in first");
    return user;
  };
  const audit = (logger: Logger, action: string, connection: Connection, fields: Record<string, unknown> = {}) =>
    logger.info("audit", { action, conn: connection.id, remote: connection.remoteAddress, ...fields });
  /**
   * An honest client whose OPAQUE check fails (wrong password, unknown user) never sends login_finish, so a login
   * that the connection abandons (by starting another or by closing) is the only sign of it the server gets.
   */
  const auditAbandoned = (state: Pending | undefined, connection: Connection) => {
    const login = state?.login;
    if (!login) return;
    state.login = undefined;
    audit(login.logger, "login_failed", connection, { account: login.key, reason: "unfinished" });
  };

  /** Refuses a registration over the address's or the server's hourly rate (PROTOCOL.md §10.2). */
  const checkRegistrationRate = (logger: Logger, connection: Connection) => {
    const limited = limiter.waitMs(connection.remoteHost);
    if (limited > 0) {
      audit(logger, "register_limited", connection, { retryAfterMs: limited });
      throw new RequestError("rate_limited", `Too many new accounts: try again in ${waitText(limited)}`, limited);
    }
  };

  const handlers = new Map<number, Handler>([
    // PROTOCOL.md §10.2: the checks run in this order, each before any OPAQUE work.
    [Op.registerStart, async (body, { connection, logger }) => {
      const { username, nickname, request } = fields(body, { username: "any", nickname: "any", request: "string" });
      const invite = optionalString(body, "invite");
      if (mode === "closed") throw new RequestError("registration_closed", "This server does not accept new accounts");
      const address = connection.remoteHost;
      checkRegistrationRate(logger, connection);
      let inviteHash: Uint8Array | undefined;
      if (mode === "invite") {
        if (invite === undefined || invite.trim() === "") {
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
      if (wait > 0) {
        audit(logger, "throttle", connection, { op: "register_start", retryAfterMs: wait });
        throw new RequestError("throttled", `Too many attempts: try again in ${waitText(wait)}`, wait);
      }
      // Only a hint: another connection may take the name before register_finish, which the UNIQUE key then refuses.
      if (await store.users.findByKey(name.key)) {
        // "Taken" tells whether an account exists: it costs the address what a failed login costs.
        throttle.failAddress(address);
        throw new RequestError("username_taken", `${name.username} is taken`);
      }
      const { registrationResponse } = opaqueCall(() =>
        opaque.server.createRegistrationResponse({
          serverSetup: opaqueSetup,
          userIdentifier: name.key,
          registrationRequest: request as string,
        })
      );
      stateOf(connection).registration = {
        username: name.username,
        key: name.key,
        nickname: nick.nickname,
        invite: inviteHash,
      };
      return { response: registrationResponse };
    }],

    [Op.registerFinish, async (body, { connection, logger }) => {
      const { record } = fields(body, { record: "string" });
      const state = stateOf(connection);
      const registration = state.registration;
      if (!registration) throw new RequestError("out_of_order", "register_finish needs register_start first");
      state.registration = undefined;
      const registrationRecord = utf8(checkedRecord(opaqueSetup, registration.key, record as string));
      const address = connection.remoteHost;
      let user: UserRecord;
      try {
        // One transaction: an invite is spent if and only if the account is created. The rate is checked and charged
        // inside it: transactions run one at a time, so no other registration can take the last token in between.
        user = await store.transaction(async (tx) => {
          // Checked again: other connections from the address may have used the last token since register_start.
          checkRegistrationRate(logger, connection);
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
          throw new RequestError("username_taken", `${registration.username} is taken`);
        }
        throw error;
      }
      state.registered = registration.key;
      audit(logger, "register", connection, { user: user.id, invite: registration.invite !== undefined });
      return { user: profile(user) };
    }],

    [Op.loginStart, async (body, { connection, logger }) => {
      const { username, request } = fields(body, { username: "any", request: "string" });
      const state = stateOf(connection);
      if (sessions.userOf(connection) !== undefined) throw new RequestError("already_logged_in", "Already logged in");
      auditAbandoned(state, connection);
      const name = parseUsername(username);
      if ("error" in name) throw new RequestError("username_invalid", name.error);
      const address = connection.remoteHost;
      // The first login of an account this connection has just created is never throttled: its failures so far were
      // the new user's own, and refusing it would leave them with an account they are told to wait for.
      const justRegistered = state.registered === name.key;
      state.registered = undefined;
      const wait = justRegistered ? 0 : throttle.waitMs(name.key, address);
      if (wait > 0) {
        audit(logger, "throttle", connection, { account: name.key, retryAfterMs: wait });
        throw new RequestError("throttled", `Too many attempts: try again in ${waitText(wait)}`, wait);
      }
      // Counted as a failure until login_finish succeeds on this connection.
      throttle.fail(name.key, address);
      const user = await store.users.findByKey(name.key);
      // No record for an unknown name: the library answers from a fake one, so both cases look the same.
      const { loginResponse, serverLoginState } = opaqueCall(() =>
        opaque.server.startLogin({
          serverSetup: opaqueSetup,
          userIdentifier: name.key,
          registrationRecord: user ? new TextDecoder().decode(user.registrationRecord) : null,
          startLoginRequest: request as string,
        })
      );
      state.login = { key: name.key, userId: user?.id, state: serverLoginState, logger };
      return { response: loginResponse };
    }],

    [Op.loginFinish, async (body, { connection, logger }) => {
      const { finish, proof } = fields(body, { finish: "string", proof: "bytes" });
      const state = stateOf(connection);
      const login = state.login;
      if (!login) throw new RequestError("out_of_order", "login_finish needs login_start first");
      state.login = undefined;
      const binding = connection.channelBinding;
      if (!binding) throw new RequestError("internal", "This connection has no secure channel");
      let sessionKey: string | undefined;
      try {
        sessionKey = opaque.server.finishLogin({ finishLoginRequest: finish as string, serverLoginState: login.state })
          .sessionKey;
      } catch (error) {
        // A KE3 that does not verify is a wrong password (or a relay): the same answer as a bad proof below.
        logger.debug("login_finish_rejected", { conn: connection.id, error: String(error) });
      }
      const expected = sessionKey && loginProof(sessionKey, binding, "client");
      if (!expected || login.userId === undefined || !constantTimeEqual(proof as Uint8Array, expected)) {
        audit(logger, "login_failed", connection, { account: login.key });
        throw new RequestError("credentials_wrong", "Wrong username or password");
      }
      const user = await store.users.findById(login.userId);
      if (!user) throw new RequestError("credentials_wrong", "Wrong username or password");
      throttle.succeed(login.key, connection.remoteHost);
      await sessions.attach(user.id, connection);
      state.password = false; // a password change begun under another account must not carry over
      audit(logger, "login", connection, { user: user.id });
      return { proof: loginProof(sessionKey!, binding, "server"), ...await bundle(user) };
    }],

    [Op.logout, async (_body, { connection, logger }) => {
      const user = await requireUser(connection);
      await sessions.logout(connection);
      stateOf(connection).password = false;
      audit(logger, "logout", connection, { user: user.id });
      return {};
    }],

    [Op.setNickname, async (body, { connection }) => {
      const user = await requireUser(connection);
      const nick = parseNickname(fields(body, { nickname: "any" }).nickname);
      if ("error" in nick) throw new RequestError("nickname_invalid", nick.error);
      await store.users.setNickname(user.id, nick.nickname);
      return { user: profile((await store.users.findById(user.id))!) };
    }],

    [Op.setFont, async (body, { connection }) => {
      const user = await requireUser(connection);
      const { family, size } = fields(body, { family: "any", size: "any" });
      const checked = checkFont(family, size);
      if ("error" in checked) throw new RequestError("bad_request", checked.error);
      await store.users.setFont(user.id, checked.font.family, checked.font.size);
      return { user: profile((await store.users.findById(user.id))!) };
    }],

    [Op.passwordStart, async (body, { connection }) => {
      const user = await requireUser(connection);
      const { request } = fields(body, { request: "string" });
      const { registrationResponse } = opaqueCall(() =>
        opaque.server.createRegistrationResponse({
          serverSetup: opaqueSetup,
          userIdentifier: user.usernameKey,
          registrationRequest: request as string,
        })
      );
      stateOf(connection).password = true;
      return { response: registrationResponse };
    }],

    [Op.passwordFinish, async (body, { connection, logger }) => {
      const user = await requireUser(connection);
      const { record } = fields(body, { record: "string" });
      const state = stateOf(connection);
      if (!state.password) throw new RequestError("out_of_order", "password_finish needs password_start first");
      state.password = false;
      // The stored key, not one derived again from the display name: it is what the account registered under.
      const checked = utf8(checkedRecord(opaqueSetup, user.usernameKey, record as string));
      await store.users.setRegistrationRecord(user.id, checked);
      audit(logger, "password_change", connection, { user: user.id });
      return {};
    }],
  ]);

  /** The login bundle (PROTOCOL.md §10.3). */
  const bundle = async (user: UserRecord): Promise<Record<string, Value>> => ({
    user: profile(user),
    friends: (await store.friends.friendsOf(user.id)).map((friend) => ({
      id: friend.id,
      username: friend.username,
      nickname: friend.nickname,
      online: sessions.isOnline(friend.id),
      lastSeenAt: friend.lastSeenAt,
    })),
    rooms: (await store.rooms.roomsOf(user.id)).map((room) => ({ id: room.id, name: room.name, kind: room.kind })),
    friendRequests: await Promise.all((await store.friends.openRequestsFor(user.id)).map(async (request) => {
      const from = await store.users.findById(request.fromUser);
      return {
        id: request.id,
        from: from ? { id: from.id, username: from.username, nickname: from.nickname } : null,
        status: request.status,
        createdAt: request.createdAt,
      };
    })),
    conversations: [],
  });

  return {
    handlers,
    closed(connection) {
      auditAbandoned(pending.get(connection), connection);
      sessions.dropped(connection);
    },
  };
}

/** The public profile of a user. */
export function profile(user: UserRecord): Value {
  return {
    id: user.id,
    username: user.username,
    nickname: user.nickname,
    font: { family: user.fontFamily, size: user.fontSize },
  };
}

type FieldKind = "string" | "bytes" | "any";

/** Reads required fields of a map body, or throws bad_request naming the first that is missing or mistyped. */
function fields<K extends string>(body: Value, spec: Record<K, FieldKind>): Record<K, Value> {
  if (body === null || typeof body !== "object" || Array.isArray(body) || body instanceof Uint8Array) {
    throw new RequestError("bad_request", "The body must be a map");
  }
  const out = {} as Record<K, Value>;
  for (const [key, kind] of Object.entries(spec) as [K, FieldKind][]) {
    if (!Object.hasOwn(body, key)) throw new RequestError("bad_request", `Missing field ${key}`);
    const value = body[key];
    if (kind === "string" && (typeof value !== "string" || value.length > 8192)) {
      throw new RequestError("bad_request", `Field ${key} must be a string`);
    }
    if (kind === "bytes" && !(value instanceof Uint8Array)) {
      throw new RequestError("bad_request", `Field ${key} must be bytes`);
    }
    out[key] = value;
  }
  return out;
}

/** Reads an optional string field of a map body (already checked to be a map by {@link fields}). */
function optionalString(body: Value, key: string): string | undefined {
  const map = body as Record<string, Value>;
  const value = Object.hasOwn(map, key) ? map[key] : null;
  if (value === null) return undefined;
  if (typeof value !== "string" || value.length > 256) {
    throw new RequestError("bad_request", `Field ${key} must be a string`);
  }
  return value;
}

/** Unknown, used and expired codes get this one answer, so it tells nothing about which codes exist. */
function invalidInvite(): RequestError {
  return new RequestError("invite_invalid", "This invite code is unknown, used or expired");
}

/** A wait in words for an error message: seconds under two minutes, else minutes. */
function waitText(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/** Runs a library call on client-supplied OPAQUE messages; a malformed one is the client's error, not ours. */
function opaqueCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new RequestError("bad_request", `Malformed OPAQUE message: ${String(error).slice(0, 120)}`);
  }
}

/**
 * Refuses a registration record the OPAQUE library cannot use, before it is stored: a bad one would make every
 * later login of the account fail, in a way that tells it apart from an unknown user.
 *
 * @param setup The OPAQUE server setup.
 * @param userIdentifier The account's username key.
 * @param record The client's RegistrationRecord (base64url).
 * @returns The record, unchanged.
 */
function checkedRecord(setup: string, userIdentifier: string, record: string): string {
  try {
    // Starting a login against a throwaway KE1 makes the library parse the record fully.
    const { startLoginRequest } = opaque.client.startLogin({ password: "record check" });
    opaque.server.startLogin({ serverSetup: setup, userIdentifier, registrationRecord: record, startLoginRequest });
  } catch (error) {
    throw new RequestError("bad_request", `Malformed registration record: ${String(error).slice(0, 80)}`);
  }
  return record;
}

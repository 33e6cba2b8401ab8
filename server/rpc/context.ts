// What a handler knows about its connection: who is logged in, typed per-service state, logging in and out.

import type { Logger } from "../log.ts";
import type { Connection } from "../transport/connection.ts";

/**
 * Who is logged in on a connection: the account with its names, and the remembered device it logged in or resumed
 * with. The names are what the connection's messages are pushed with (PROTOCOL.md §14.2), known without a query.
 */
export interface SessionUser {
  readonly id: number;
  readonly username: string;
  /** The nickname now: {@link ConnectionContext.renamed} follows a change. */
  readonly nickname: string;
  /** The remembered device (PROTOCOL.md §10.9), or null for a login that did not remember one. */
  readonly deviceId: number | null;
}

/**
 * A slot of per-connection state that a service owns: each connection gets its own value, made by `create` the first
 * time the service asks for it, and dropped with the connection.
 */
export interface StateSlot<T> {
  /** For debugging: whose state this is. */
  readonly name: string;
  readonly create: () => T;
}

/**
 * Makes a typed slot of per-connection state.
 *
 * @param name Whose state this is, for debugging.
 * @param create Makes a connection's initial value.
 * @returns The slot; `context.state(slot)` reads it.
 *
 * @example
 * ```ts
 * import { stateSlot } from "./context.ts";
 * const pending = stateSlot("accounts", () => ({ login: undefined as string | undefined }));
 * pending.create(); // { login: undefined }
 * ```
 */
export function stateSlot<T>(name: string, create: () => T): StateSlot<T> {
  return Object.freeze({ name, create });
}

/** A connection as the services see it. One exists per connection, from its first request until it closes. */
export interface ConnectionContext {
  readonly connection: Connection;
  readonly logger: Logger;
  /** Who is logged in, or undefined before login and after logout. */
  readonly user: SessionUser | undefined;
  /** This connection's value of a service's state slot. */
  state<T>(slot: StateSlot<T>): T;
  /**
   * Logs the connection in as `user`, then runs every service's `onLogin` hook (the one login of the account is
   * claimed there). Throws TypeError when the connection is already logged in: handlers check that first.
   */
  logIn(user: SessionUser): Promise<void>;
  /** Logs the connection out and runs every service's `onLogout` hook; nothing happens when nobody is logged in. */
  logOut(): Promise<void>;
  /** The logged-in user's nickname is now `nickname` (a `set_nickname` of theirs); nothing when nobody is logged in. */
  renamed(nickname: string): void;
}

/** The context of one request: its connection's, and a way to act once the answer is on its way. */
export interface RequestContext extends ConnectionContext {
  /**
   * Runs `fn` once this request's answer has been queued, whatever the answer: for what must come after it, such as
   * closing the connection that asked.
   */
  afterAnswer(fn: () => void | Promise<void>): void;
  /**
   * For an ordered operation: says that this request's place among the connection's ordered requests is fixed (its
   * effect is queued, to take effect in arrival order), so that a next request of the same operation may start
   * before this one is answered; answers still leave in arrival order (PROTOCOL.md §3). A request of another
   * operation still waits for the answer. Does nothing for operations that are not ordered.
   */
  orderFixed(): void;
}

/** The context of a request of an operation whose auth rule is `user`: the dispatcher checked that there is one. */
export interface UserRequestContext extends RequestContext {
  readonly user: SessionUser;
}

/** What a connection's context tells its owner (the dispatcher) when it logs in or out. */
export interface SessionEvents {
  loggedIn(context: ConnectionContext, user: SessionUser): Promise<void>;
  loggedOut(context: ConnectionContext, user: SessionUser): Promise<void>;
}

/**
 * Makes the context of one connection.
 *
 * @param connection The connection.
 * @param logger The server's logger.
 * @param events Told of every login and logout, after the user changed.
 * @returns The context.
 */
export function connectionContext(connection: Connection, logger: Logger, events: SessionEvents): ConnectionContext {
  return new Session(connection, logger, events);
}

class Session implements ConnectionContext {
  readonly connection: Connection;
  readonly logger: Logger;
  readonly #events: SessionEvents;
  readonly #slots = new Map<StateSlot<unknown>, unknown>();
  #user: SessionUser | undefined;
  /** Its methods for each request's context (see {@link boundOf}). */
  readonly bound: Bound = {
    state: (slot) => this.state(slot),
    logIn: (user) => this.logIn(user),
    logOut: () => this.logOut(),
    renamed: (nickname) => this.renamed(nickname),
  };

  constructor(connection: Connection, logger: Logger, events: SessionEvents) {
    this.connection = connection;
    this.logger = logger;
    this.#events = events;
  }

  get user(): SessionUser | undefined {
    return this.#user;
  }

  state<T>(slot: StateSlot<T>): T {
    if (!this.#slots.has(slot)) this.#slots.set(slot, slot.create());
    return this.#slots.get(slot) as T;
  }

  async logIn(user: SessionUser): Promise<void> {
    if (this.#user) throw new TypeError(`Connection ${this.connection.id} is already logged in`);
    const { id, username, nickname, deviceId } = user;
    this.#user = Object.freeze({ id, username, nickname, deviceId });
    await this.#events.loggedIn(this, this.#user);
  }

  async logOut(): Promise<void> {
    const user = this.#user;
    if (!user) return;
    // Cleared first: a request that arrives while the hooks run is already refused as not logged in.
    this.#user = undefined;
    await this.#events.loggedOut(this, user);
  }

  renamed(nickname: string): void {
    if (this.#user) this.#user = Object.freeze({ ...this.#user, nickname });
  }
}

/**
 * The context of one request over its connection's.
 *
 * @param context The connection's context.
 * @param orderFixed What `orderFixed` does (nothing by default: an operation that is not ordered).
 * @returns The request's context and the functions to run once its answer is queued.
 */
export function requestContext(
  context: ConnectionContext,
  orderFixed: () => void = noOrder,
): { context: RequestContext; after: (() => void | Promise<void>)[] } {
  const request = new Request(context, orderFixed);
  return { context: request, after: request.after };
}

const noOrder = () => {};

/**
 * One request's context: made for every request, so its connection's parts are read through the prototype and only
 * what is the request's own is made per request. Handlers destructure it (`{ user, orderFixed }`), so every method
 * is a property that needs no `this`.
 */
class Request implements RequestContext {
  readonly after: (() => void | Promise<void>)[] = [];
  readonly state: RequestContext["state"];
  readonly logIn: RequestContext["logIn"];
  readonly logOut: RequestContext["logOut"];
  readonly renamed: RequestContext["renamed"];
  readonly afterAnswer: RequestContext["afterAnswer"];
  readonly orderFixed: () => void;
  readonly #context: ConnectionContext;

  constructor(context: ConnectionContext, orderFixed: () => void) {
    this.#context = context;
    const bound = boundOf(context);
    this.state = bound.state;
    this.logIn = bound.logIn;
    this.logOut = bound.logOut;
    this.renamed = bound.renamed;
    const after = this.after;
    this.afterAnswer = (fn) => void after.push(fn);
    this.orderFixed = orderFixed;
  }

  get connection(): Connection {
    return this.#context.connection;
  }

  get logger(): Logger {
    return this.#context.logger;
  }

  get user(): SessionUser | undefined {
    return this.#context.user;
  }
}

/** A connection context's methods as functions that need no `this`, made once per connection. */
type Bound = Pick<ConnectionContext, "state" | "logIn" | "logOut" | "renamed">;
const bounds = new WeakMap<ConnectionContext, Bound>();

function boundOf(context: ConnectionContext): Bound {
  if (context instanceof Session) return context.bound;
  let bound = bounds.get(context);
  if (!bound) {
    bound = {
      state: (slot) => context.state(slot),
      logIn: (user) => context.logIn(user),
      logOut: () => context.logOut(),
      renamed: (nickname) => context.renamed(nickname),
    };
    bounds.set(context, bound);
  }
  return bound;
}

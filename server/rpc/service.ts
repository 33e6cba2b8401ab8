// A service: handlers for some operations of the registry, and hooks for a connection's login, logout and close.

import type { OpDef, RequestOf, ResponseOf } from "../../core/protocol/define.ts";
import type { OPS } from "../../core/protocol/registry.ts";
import type { ConnectionContext, RequestContext, SessionUser, UserRequestContext } from "./context.ts";

/** The registry's operations by camelCase key. */
type Ops = typeof OPS;

/** The camelCase key of an operation (`loginFinish`). */
export type OpKey = keyof Ops;

/** What a handler of `D` is given: a user is guaranteed for an operation whose auth rule is `user`. */
export type ContextOf<D extends OpDef> = D["auth"] extends "user" ? UserRequestContext : RequestContext;

/**
 * A response body as a handler may build it: the schema's type, except that bytes may sit on any buffer (a schema
 * infers `Uint8Array<ArrayBuffer>`, while crypto and codec helpers return plain `Uint8Array`s).
 */
export type Reply<T> = T extends Uint8Array ? Uint8Array
  : T extends readonly (infer I)[] ? Reply<I>[]
  : T extends object ? { [K in keyof T]: Reply<T[K]> }
  : T;

/**
 * Serves one operation: gets the request body already parsed with the operation's schema, returns the response body
 * or throws a `RequestError` (anything else is a bug, answered `internal`).
 */
export type Handler<D extends OpDef> = (
  body: RequestOf<D>,
  context: ContextOf<D>,
) => Reply<ResponseOf<D>> | Promise<Reply<ResponseOf<D>>>;

/** Handlers by operation key, each typed from its operation's definition. */
export type Handlers = { readonly [K in OpKey]?: Handler<Ops[K]> };

/** A service: its operations and the connection events it wants to hear. */
export interface Service {
  /** For logs and for the check that every operation has exactly one handler. */
  readonly name: string;
  readonly ops: Handlers;
  /** The connection logged in (by login or resume); the service's state for the login starts here. */
  onLogin?(context: ConnectionContext, user: SessionUser): void | Promise<void>;
  /** The connection logged out; `user` is who it was. */
  onLogout?(context: ConnectionContext, user: SessionUser): void | Promise<void>;
  /**
   * The connection ended, and every request it sent has been answered; `context.user` is who was logged in, if
   * anyone. Failures are logged: nobody is left to tell.
   */
  onClose?(context: ConnectionContext): void | Promise<void>;
}

/**
 * Defines a service. Its job is type inference: each handler's body and return types come from the registry entry
 * its key names, and a `user` operation's handler gets a context whose `user` is set.
 *
 * @param service Name, handlers by operation key, and optional hooks.
 * @returns The service, unchanged.
 *
 * @example
 * ```ts
 * import { defineService } from "./service.ts";
 * const clock = defineService({
 *   name: "clock",
 *   ops: { ping: () => ({ time: Date.now() }) },
 * });
 * clock.name; // "clock"
 * ```
 */
export function defineService(service: Service): Service {
  return service;
}

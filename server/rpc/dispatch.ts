// The dispatcher: reads a connection's envelopes, routes each to its service's handler and answers (PROTOCOL.md §3, §5, §6).

import { CodecError } from "../../core/codec/error.ts";
import { decodeEnvelope, encodeEnvelope } from "../../core/codec/envelope.ts";
import type { Value } from "../../core/codec/value.ts";
import type { OpDef } from "../../core/protocol/define.ts";
import { errorBody, type ErrorCode } from "../../core/protocol/errors.ts";
import { Op } from "../../core/protocol/opcodes.ts";
import { checkRequest, checkResponse } from "../../core/protocol/parse.ts";
import { type AnyOp, OPS } from "../../core/protocol/registry.ts";
import type { Logger } from "../log.ts";
import { type Connection, FrameError } from "../transport/connection.ts";
import { type ConnectionContext, connectionContext, requestContext } from "./context.ts";
import { errorFields, RequestError } from "./errors.ts";
import type { Handler, OpKey, Service } from "./service.ts";

/** Requests of one connection handled at once by default; past it the dispatcher stops reading the connection. */
export const DEFAULT_MAX_IN_FLIGHT = 32;

/** Options of {@link createDispatcher}. */
export interface DispatchOptions {
  logger: Logger;
  /** Every service; each operation must have at most one handler among them. */
  services: readonly Service[];
  /**
   * Most requests of one connection being handled at once (default {@link DEFAULT_MAX_IN_FLIGHT}). Past it the
   * connection is not read until one is answered: its unread bytes wait in the kernel, not in the server's memory.
   */
  maxInFlight?: number;
  /**
   * Checks every response against its operation's response schema before sending it; a mismatch is logged as an
   * error and answered `internal`. The tests turn it on, so a handler that drifts from the registry fails loudly.
   */
  checkResponses?: boolean;
  /** Told when a connection logs in, after every service's `onLogin` (the server's admission and deadlines). */
  onLogin?(connection: Connection): void;
  /** Told when a connection logs out, after every service's `onLogout`. */
  onLogout?(connection: Connection): void;
  /**
   * For tests: awaited before each request's handling starts (after it waited for its turn, when ordered), so a test
   * can hold one request back and watch the others pass it.
   */
  beforeHandler?(op: AnyOp): void | Promise<void>;
}

/** Serves connections with a fixed set of services. */
export interface Dispatcher {
  /**
   * Serves one connection: answers its requests until it ends, then runs every service's `onClose` once the
   * requests still being handled are answered. Never rejects: whatever happens is logged and ends in a close.
   *
   * @param connection The connection, secured and before its first frame was read.
   * @returns Resolves once the connection has closed and its `onClose` hooks have run.
   */
  serve(connection: Connection): Promise<void>;
}

interface Route {
  readonly op: AnyOp;
  readonly handler: Handler<OpDef>;
  readonly service: string;
}

/**
 * Which service handles each operation.
 *
 * @param services The services.
 * @returns The service name by operation key, for the operations that have a handler.
 * @throws {TypeError} When a service names an operation the registry does not have, or two services handle one.
 *
 * @example
 * ```ts
 * import { routeTable } from "./dispatch.ts";
 * routeTable([{ name: "clock", ops: { ping: () => ({ time: 0 }) } }]).get("ping"); // "clock"
 * ```
 */
export function routeTable(services: readonly Service[]): ReadonlyMap<OpKey, string> {
  const table = new Map<OpKey, string>();
  for (const service of services) {
    for (const key of Object.keys(service.ops) as OpKey[]) {
      if (!Object.hasOwn(OPS, key)) {
        throw new TypeError(`Service ${service.name} handles ${key}, which is no operation`);
      }
      const other = table.get(key);
      if (other !== undefined) {
        throw new TypeError(`Operation ${OPS[key].name} has two handlers, in ${other} and ${service.name}`);
      }
      table.set(key, service.name);
    }
  }
  return table;
}

/**
 * Makes the dispatcher of a set of services.
 *
 * Every request is checked in this order (PROTOCOL.md §5.1): its opcode (`unknown_opcode`, which closes the
 * connection), its id (0 is answered `bad_request`), the operation's auth rule (`not_logged_in`), its body against the
 * operation's schema (`bad_request` naming the field), and then the handler runs. Requests are answered as they
 * complete, matched by id, except those of operations declared `ordered`, which run one after another in arrival order
 * (PROTOCOL.md §3).
 *
 * @param options Services, logger, limits and hooks.
 * @returns The dispatcher.
 * @throws {TypeError} When two services handle one operation (see {@link routeTable}).
 * @throws {RangeError} When `maxInFlight` is not a positive integer.
 */
export function createDispatcher(options: DispatchOptions): Dispatcher {
  const { services } = options;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new RangeError(`maxInFlight must be a positive integer, not ${maxInFlight}`);
  }
  routeTable(services);
  const routes = new Map<number, Route>();
  for (const service of services) {
    for (const [key, handler] of Object.entries(service.ops) as [OpKey, Handler<OpDef>][]) {
      routes.set(OPS[key].opcode, { op: OPS[key], handler, service: service.name });
    }
  }

  return {
    serve(connection) {
      return new ConnectionDispatch(connection, routes, options, maxInFlight).run();
    },
  };
}

/** One connection's dispatch: its read loop, the requests in flight, its chain of ordered requests. */
class ConnectionDispatch {
  readonly #connection: Connection;
  readonly #routes: ReadonlyMap<number, Route>;
  readonly #options: DispatchOptions;
  readonly #logger: Logger;
  readonly #maxInFlight: number;
  readonly #context: ConnectionContext;
  readonly #running = new Set<Promise<void>>();
  /** Settles when the last ordered request so far has been answered. */
  #ordered: Promise<void> = Promise.resolve();
  /** Settles when the last ordered request so far has fixed its place (`orderFixed`) or been answered. */
  #orderedTurn: Promise<void> = Promise.resolve();
  /** The operation of the last ordered request so far: only the same operation may start on its `orderFixed`. */
  #lastOrdered: AnyOp | undefined;
  /**
   * The ordered requests not yet answered, in arrival order: each answer is written as soon as it and every answer
   * before it are ready, in the same turn, so that the answers of one group commit leave together (one record).
   */
  readonly #unanswered: AnswerSlot[] = [];
  /** Wakes the read loop waiting for a free place among the requests in flight. */
  #wake: (() => void) | undefined;
  #closed = false;

  constructor(connection: Connection, routes: ReadonlyMap<number, Route>, options: DispatchOptions, max: number) {
    this.#connection = connection;
    this.#routes = routes;
    this.#options = options;
    this.#logger = options.logger;
    this.#maxInFlight = max;
    const { services } = options;
    this.#context = connectionContext(connection, options.logger, {
      loggedIn: async (context, user) => {
        options.onLogin?.(connection);
        for (const service of services) await service.onLogin?.(context, user);
      },
      loggedOut: async (context, user) => {
        options.onLogout?.(connection);
        for (const service of services) await service.onLogout?.(context, user);
      },
    });
  }

  run(): Promise<void> {
    void this.#read();
    return this.#connection.closed.then(() => this.#finish());
  }

  /** Once closed: waits for the requests still being handled, then tells every service. */
  async #finish(): Promise<void> {
    this.#closed = true;
    await this.#settled();
    for (const service of this.#options.services) {
      try {
        await service.onClose?.(this.#context);
      } catch (error) {
        // Logged, not rethrown: the connection is gone, so there is nobody to answer, and the other services' hooks
        // must still run.
        this.#logger.error("close_hook_failed", {
          conn: this.#connection.id,
          service: service.name,
          ...errorFields(error),
        });
      }
    }
  }

  async #settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  async #read(): Promise<void> {
    const connection = this.#connection;
    try {
      while (true) {
        // Backpressure: no more than maxInFlight requests at once; the rest wait unread.
        while (this.#running.size >= this.#maxInFlight) await new Promise<void>((wake) => this.#wake = wake);
        const payload = await connection.read();
        if (payload === null || this.#closed) break;
        let envelope;
        try {
          envelope = decodeEnvelope(payload);
        } catch (error) {
          if (!(error instanceof CodecError)) throw error;
          return await this.#fail("bad_frame", `Cannot decode envelope: ${error.message}`, 0, 1002, {
            offset: error.offset,
          });
        }
        const { opcode, id, body } = envelope;
        const route = this.#routes.get(opcode);
        if (!route) {
          const hex = "0x" + opcode.toString(16).padStart(4, "0");
          return await this.#fail("unknown_opcode", `Unknown opcode ${hex}`, id, 1002);
        }
        if (id === 0) {
          this.#send(Op.error, 0, errorBody("bad_request", "A request needs a non-zero id"));
          continue;
        }
        this.#start(route, id, body);
      }
      // The client ended the stream: what it asked before is still answered, then the connection closes.
      await this.#settled();
      await connection.close("peer_closed");
    } catch (error) {
      if (error instanceof FrameError) {
        const cause = error.cause instanceof CodecError ? { offset: error.cause.offset } : {};
        await this.#fail(error.code, error.message, 0, error.wsCode, cause);
        return;
      }
      this.#logger.error("session_failed", {
        conn: connection.id,
        remote: connection.remoteAddress,
        ...errorFields(error),
      });
      await connection.close("internal_error", 1011);
    }
  }

  /** Starts handling one request: now, or after the ordered requests before it when its operation is ordered. */
  #start(route: Route, id: number, body: Value): void {
    let work: Promise<void>;
    if (route.op.ordered) {
      // A send after a send starts once the first is queued in the group commit, not once it is durable: the
      // connection's sends then share commits instead of taking one each, in the same order (PROTOCOL.md §3).
      const answered = this.#ordered;
      const turn = route.op === this.#lastOrdered ? this.#orderedTurn : answered;
      let fix!: () => void;
      const fixed = new Promise<void>((resolve) => fix = resolve);
      const slot = new AnswerSlot();
      this.#unanswered.push(slot);
      work = turn.then(() => this.#answer(route, id, body, fix, slot));
      this.#ordered = work;
      this.#orderedTurn = Promise.race([fixed, work]);
      this.#lastOrdered = route.op;
    } else {
      work = this.#answer(route, id, body);
    }
    this.#running.add(work);
    // #answer never rejects, so neither does this.
    void work.then(() => {
      this.#running.delete(work);
      const wake = this.#wake;
      this.#wake = undefined;
      wake?.();
    });
  }

  /**
   * Handles one request and sends its answer; an ordered request's (`slot`) once the ordered requests before it have
   * been answered. Never rejects.
   */
  async #answer(
    route: Route,
    id: number,
    body: Value,
    orderFixed?: () => void,
    slot?: AnswerSlot,
  ): Promise<void> {
    // A request that waited for its turn on a connection that has closed meanwhile is not worth the work.
    if (this.#closed) {
      if (slot) this.#release(slot);
      return orderFixed?.();
    }
    const { op } = route;
    const { context, after } = requestContext(this.#context, orderFixed);
    let reply: Uint8Array;
    try {
      // Awaited only when there is something to wait for: a request handled synchronously (echo, ping) is answered
      // in the same turn, without two trips through the microtask queue.
      const before = this.#options.beforeHandler;
      if (before) await before(op);
      if (op.auth === "user" && !this.#context.user) throw new RequestError("not_logged_in", "Log in first");
      const parsed = checkRequest(op, body);
      if (!parsed.ok) throw new RequestError("bad_request", parsed.message);
      let response = route.handler(parsed.value, context as never);
      if (response instanceof Promise) response = await response;
      if (this.#options.checkResponses) this.#checkResponse(op, response);
      reply = encodeEnvelope({ opcode: op.opcode, id, body: response as Value });
    } catch (error) {
      reply = encodeEnvelope({ opcode: Op.error, id, body: this.#errorBody(route, error) });
    }
    if (slot) {
      // An ordered request that started early (its predecessor fixed its place) is answered after it all the same,
      // and what comes after its answer comes before the next answer.
      slot.reply = reply;
      slot.holds = after.length > 0;
      this.#drain();
      if (!slot.written) await slot.wait();
    } else {
      this.#connection.write(reply);
    }
    for (const fn of after) {
      try {
        await fn();
      } catch (error) {
        // Logged, not rethrown: the answer has gone, and there is nobody else to tell.
        this.#logger.error("after_answer_failed", { conn: this.#connection.id, op: op.name, ...errorFields(error) });
      }
    }
    if (slot?.holds) this.#release(slot);
  }

  /** Lets the ordered answers after `slot` go: it is answered and done, or will never be answered. */
  #release(slot: AnswerSlot): void {
    slot.written = true;
    slot.holds = false;
    slot.wake?.();
    this.#drain();
  }

  /** Writes the ordered answers that are ready, from the first unanswered on, until one is not ready or holds. */
  #drain(): void {
    const queue = this.#unanswered;
    while (queue.length > 0) {
      const head = queue[0];
      if (!head.written) {
        if (head.reply === undefined) return;
        this.#connection.write(head.reply);
        head.written = true;
        head.wake?.();
      }
      if (head.holds) return;
      queue.shift();
    }
  }

  #checkResponse(op: AnyOp, response: unknown): void {
    const checked = checkResponse(op, response);
    if (checked.ok) return;
    throw new ResponseMismatch(`The ${op.name} handler answered what its schema refuses: ${checked.message}`);
  }

  /** The error body for a failed request: a RequestError's own, `internal` (logged in full) for anything else. */
  #errorBody(route: Route, error: unknown): Value {
    if (error instanceof RequestError) return errorBody(error.code, error.message, error.retryAfterMs);
    // A bug in a service must not take the connection down: log it with its stack and cause, tell the client, go on.
    this.#logger.error(error instanceof ResponseMismatch ? "response_mismatch" : "handler_failed", {
      conn: this.#connection.id,
      op: route.op.name,
      service: route.service,
      ...errorFields(error),
    });
    return errorBody("internal", "The server failed to handle the request");
  }

  #send(opcode: number, id: number, body: Value): void {
    this.#connection.write(encodeEnvelope({ opcode, id, body }));
  }

  async #fail(
    code: ErrorCode,
    message: string,
    id: number,
    wsCode: number,
    fields: Record<string, unknown> = {},
  ): Promise<void> {
    const connection = this.#connection;
    this.#logger.warn("protocol_error", {
      conn: connection.id,
      remote: connection.remoteAddress,
      code,
      message,
      ...fields,
    });
    this.#send(Op.error, id, errorBody(code, message));
    await connection.close(code, wsCode);
  }
}

/** An ordered request's place in the order of answers. */
class AnswerSlot {
  /** The answer, once ready. */
  reply: Uint8Array | undefined;
  /** Whether the answer has been written (or never will be: the connection closed before it was handled). */
  written = false;
  /** Whether it has functions to run after its answer, before the next answer may go. */
  holds = false;
  wake: (() => void) | undefined;

  /** Resolves once the answer has been written. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.wake = resolve);
  }
}

/** A handler's answer that does not fit its operation's response schema (checked in tests). */
class ResponseMismatch extends Error {
  override name = "ResponseMismatch";
}

// The HTTP port: pages and assets through node:http, and WebSocket upgrades through ws, on sockets we accepted.

import { Buffer } from "node:buffer";
import http from "node:http";
// @ts-types="@types/ws"
import { WebSocketServer } from "ws";
import type { Slot } from "../admission.ts";
import type { Deadlines, Watched } from "../deadlines.ts";
import type { Logger } from "../log.ts";
import { SocketDuplex } from "./_socket_duplex.ts";
import type { Connection } from "./connection.ts";
import { plainHttpResponse } from "./plain_response.ts";
import type { Socket } from "./socket.ts";
import { webSocketConnection } from "./websocket.ts";

/** Serves everything on the HTTP port that is not the WebSocket endpoint (pages, assets). */
export type HttpHandler = (request: Request) => Response | Promise<Response>;

/** A response must be delivered within this long after its request arrived. */
export const RESPONSE_TIMEOUT_MS = 60_000;

/** What the HTTP port needs. */
export interface HttpPortOptions {
  /** `server.limits.headersTimeoutMs` and `httpIdleTimeoutMs`; `maxFrameBytes` is the largest outer frame. */
  limits: { headersTimeoutMs: number; httpIdleTimeoutMs: number; maxFrameBytes: number };
  /** Path of the WebSocket endpoint. */
  wsPath: string;
  /** Origins besides the request's own that may open the WebSocket (`server.allowedOrigins`). */
  allowedOrigins: readonly string[];
  /** Pages and assets. */
  pages: HttpHandler;
  /** Takes each WebSocket connection, once upgraded. */
  onWebSocket(connection: Connection, slot: Slot): void;
  deadlines: Deadlines;
  now: () => number;
  logger: Logger;
}

/** The HTTP port's request handling; sockets come from the server's accept loop. */
export interface HttpPort {
  /** Serves one accepted, admitted socket. */
  serve(socket: Socket, slot: Slot): void;
}

/** Per-socket state: what the socket waits for and until when. */
class HttpSocketWatch implements Watched {
  /** `request`: waiting for a request's headers; `response`: answering; `upgraded`: no longer HTTP. */
  state: "request" | "response" | "upgraded" = "request";
  deadline: number;

  constructor(readonly socket: Socket, readonly options: HttpPortOptions, readonly now: number) {
    this.deadline = now + options.limits.headersTimeoutMs;
  }

  check(now: number): undefined {
    if (now < this.deadline || this.state === "upgraded") return;
    const reason = this.state === "response" ? "response_timeout" : "headers_timeout";
    this.options.logger.debug("http_timeout", { remote: this.socket.remoteHost, reason });
    void this.socket.close(reason, 0);
  }
}

/**
 * Creates the HTTP port's handler. node:http parses requests; we keep the
 * deadlines: the first request's headers must arrive within
 * `headersTimeoutMs` of the connection, a response must be delivered within
 * {@link RESPONSE_TIMEOUT_MS}, and after a response the next request's headers
 * must arrive within `httpIdleTimeoutMs` (which also ends idle keep-alive
 * connections). An upgrade to WebSocket on `wsPath` from an allowed origin
 * becomes a {@link Connection}.
 *
 * @param options Limits, handlers and deadlines.
 * @returns The port.
 */
export function httpPort(options: HttpPortOptions): HttpPort {
  const { limits, logger } = options;
  const watches = new WeakMap<SocketDuplex, HttpSocketWatch>();
  const slots = new WeakMap<SocketDuplex, Slot>();
  const server = http.createServer({ requestTimeout: 0, headersTimeout: 0, keepAlive: true }, (req, res) => {
    // Every socket node:http serves came from serve() below, as a SocketDuplex.
    const duplex = req.socket as unknown as SocketDuplex;
    slots.get(duplex)?.touch(); // a request is a step forward: this socket is not an idle one
    const watch = watches.get(duplex);
    if (watch) {
      watch.state = "response";
      watch.deadline = options.now() + RESPONSE_TIMEOUT_MS;
      res.on("finish", () => {
        watch.state = "request";
        watch.deadline = options.now() + limits.httpIdleTimeoutMs;
      });
    }
    void respond(req, res, options).catch((error) => {
      logger.error("http_failed", { error: String(error), stack: (error as Error).stack });
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("Internal server error");
    });
  });
  // node:http keeps a connection alive after a response only while its server is `listening` (otherwise it destroys
  // the socket). Ours never listens itself, by design: sockets come from our accept loop. It is serving, so say so.
  Object.defineProperty(server, "listening", { get: () => true });
  // A malformed request gets node's 400 and the socket is closed; nothing to log beyond the disconnect.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
  });

  const wss = new WebSocketServer({
    noServer: true,
    // One message carries one frame with its 4-byte length prefix (PROTOCOL.md §1).
    maxPayload: limits.maxFrameBytes + 4,
    perMessageDeflate: false,
    clientTracking: false,
  });

  server.on("upgrade", (req: http.IncomingMessage, stream: SocketDuplex, head: Buffer) => {
    const watch = watches.get(stream);
    const slot = slots.get(stream);
    if (!watch || !slot) return stream.destroy();
    watch.state = "upgraded";
    options.deadlines.delete(watch);
    const path = new URL(req.url ?? "/", "http://upgrade.invalid").pathname;
    if (path !== options.wsPath || req.headers.upgrade?.toLowerCase() !== "websocket") {
      return reject(stream, 404, "Not found");
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, req.headers.host, options.allowedOrigins)) {
      logger.warn("origin_refused", { remote: stream.remoteAddress, origin });
      return reject(stream, 403, `Pages from ${origin} may not connect here (server.allowedOrigins)`);
    }
    slot.setPhase("handshake");
    wss.handleUpgrade(req, stream, head, (ws) => {
      options.onWebSocket(webSocketConnection(ws, stream.socket, limits.maxFrameBytes), slot);
    });
  });

  return {
    serve(socket, slot) {
      const duplex = new SocketDuplex(socket);
      const watch = new HttpSocketWatch(socket, options, options.now());
      watches.set(duplex, watch);
      slots.set(duplex, slot);
      options.deadlines.add(watch);
      void socket.closed.then(() => options.deadlines.delete(watch));
      // node:http must never see an error event without a listener: it would be thrown.
      duplex.on("error", () => {});
      server.emit("connection", duplex);
    },
  };
}

/** Whether a page from `origin` may open the WebSocket: the server's own origin, or one configured. */
export function originAllowed(origin: string, host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) return true;
  if (host === undefined) return false;
  // The browser sets both headers; a page of the server itself has an Origin whose host is the Host it asked for.
  return origin === `http://${host.toLowerCase()}` || origin === `https://${host.toLowerCase()}`;
}

function reject(stream: SocketDuplex, status: number, message: string, retryAfterMs?: number): void {
  void stream.socket.refuse(`http_${status}`, plainHttpResponse(status, message, retryAfterMs));
}

/** Runs the page handler on a node request and writes its answer. */
async function respond(req: http.IncomingMessage, res: http.ServerResponse, options: HttpPortOptions): Promise<void> {
  const plain = (status: number, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
    res.end(req.method === "HEAD" ? undefined : text);
  };
  // Pages are GET and HEAD only (routes/mod.tsx), and a request body is never read.
  if (req.method !== "GET" && req.method !== "HEAD") return plain(405, "Method not allowed", { allow: "GET, HEAD" });
  const host = req.headers.host && /^[\w.:[\]-]+$/.test(req.headers.host) ? req.headers.host : "localhost";
  let url: URL;
  try {
    url = new URL(req.url ?? "/", `http://${host}`);
  } catch (error) {
    // A request target no URL can be made of is the client's mistake.
    if (error instanceof TypeError) return plain(400, "Bad request target");
    throw error;
  }
  if (url.pathname === options.wsPath) {
    return plain(426, "Expected a WebSocket upgrade", { upgrade: "websocket", connection: "upgrade" });
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const response = await options.pages(new Request(url, { method: req.method, headers }));
  const body = req.method === "HEAD" ? undefined : new Uint8Array(await response.arrayBuffer());
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => out[name] = value);
  // A 304 has no body, and a length there would claim the page is empty (RFC 9110 §8.6).
  if (body && response.status !== 304) out["content-length"] = String(body.length);
  res.writeHead(response.status, out);
  res.end(body);
}

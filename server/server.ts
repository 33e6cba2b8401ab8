// Starts Mimi's listeners (TCP and HTTP/WebSocket) and feeds every connection into one session handler.

import type { MimiConfig } from "../core/config/schema.ts";
import { encodeEnvelope } from "../core/codec/envelope.ts";
import { errorBody } from "../core/protocol/errors.ts";
import { Op } from "../core/protocol/opcodes.ts";
import { AdmissionControl } from "./admission.ts";
import type { Logger } from "./log.ts";
import { echoHandlers } from "./services/echo.ts";
import { type Handler, runSession } from "./session.ts";
import type { Connection } from "./transport/connection.ts";
import { formatAddress, listenTcp } from "./transport/tcp.ts";
import { upgradeWebSocket } from "./transport/websocket.ts";

/** Serves everything on the HTTP port that is not the WebSocket endpoint (pages, assets). */
export type HttpHandler = (request: Request) => Response | Promise<Response>;

/** A running server. */
export interface MimiServer {
  /** Where native clients connect. */
  readonly tcpAddr: Deno.NetAddr;
  /** Where browsers load the web client; the WebSocket endpoint is `/ws` on it. */
  readonly httpAddr: Deno.NetAddr;
  /** Absolute path of the data directory. */
  readonly dataDir: string;
  /** Connections currently open, over both transports. */
  readonly openConnections: number;
  /** Closes every connection and both listeners. */
  close(): Promise<void>;
}

/** Path of the WebSocket endpoint on the HTTP port (PROTOCOL.md §1). */
export const WEBSOCKET_PATH = "/ws";

/**
 * Starts the server: a TCP listener and an HTTP server whose `/ws` upgrades
 * to the same protocol. Both feed the same session handler.
 *
 * @param config The resolved configuration.
 * @param options `logger`; `http`, the handler for pages and assets.
 * @returns The running server, once both listeners are bound.
 */
export async function startServer(
  config: MimiConfig,
  options: { logger: Logger; http: HttpHandler },
): Promise<MimiServer> {
  const { logger } = options;
  await Deno.mkdir(config.server.dataDir, { recursive: true });
  const dataDir = await Deno.realPath(config.server.dataDir);
  const { limits } = config.server;
  const admission = new AdmissionControl(limits);
  const handlers: ReadonlyMap<number, Handler> = echoHandlers();
  const live = new Set<Connection>();
  const transportLimits = { maxFrameBytes: limits.maxFrameBytes, outboundQueueBytes: limits.outboundQueueBytes };

  const serveConnection = (connection: Connection): void => {
    const fields = { conn: connection.id, transport: connection.transport, remote: connection.remoteAddress };
    const admitted = admission.admit(connection.remoteHost);
    if (!admitted.ok) {
      logger.warn("connection_refused", { ...fields, code: admitted.code });
      connection.send(encodeEnvelope({
        opcode: Op.error,
        id: 0,
        body: errorBody(admitted.code, admitted.message, admitted.retryAfterMs),
      }));
      void connection.close(admitted.code, 1013);
      return;
    }
    live.add(connection);
    const started = performance.now();
    logger.info("connect", fields);
    void runSession(connection, { logger, handlers });
    void connection.closed.then(({ reason }) => {
      live.delete(connection);
      admitted.release();
      logger.info("disconnect", { ...fields, reason, ms: Math.round(performance.now() - started) });
    });
  };

  const tcp = listenTcp(
    { hostname: config.server.host, port: config.server.tcpPort, ...transportLimits },
    serveConnection,
    (error) => logger.error("accept_failed", { transport: "tcp", error: String(error) }),
  );

  const http = Deno.serve({
    hostname: config.server.host,
    port: config.server.httpPort,
    onListen() {},
    onError(error) {
      logger.error("http_failed", { error: String(error) });
      return new Response("Internal server error", { status: 500 });
    },
  }, (request, info) => {
    const url = new URL(request.url);
    if (url.pathname === WEBSOCKET_PATH) {
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return new Response("Expected a WebSocket upgrade", { status: 426, headers: { upgrade: "websocket" } });
      }
      const { response, connection } = upgradeWebSocket(request, info.remoteAddr as Deno.NetAddr, transportLimits);
      serveConnection(connection);
      return response;
    }
    return options.http(request);
  });

  const httpAddr = http.addr as Deno.NetAddr;
  logger.info("listen", { transport: "tcp", address: formatAddress(tcp.addr.hostname, tcp.addr.port) });
  logger.info("listen", { transport: "http", address: formatAddress(httpAddr.hostname, httpAddr.port) });

  return {
    tcpAddr: tcp.addr,
    httpAddr,
    dataDir,
    get openConnections() {
      return live.size;
    },
    async close() {
      tcp.close();
      await Promise.all([...live].map((connection) => connection.close("server_shutdown", 1001)));
      await tcp.done;
      await http.shutdown();
    },
  };
}

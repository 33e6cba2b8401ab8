// Starts Mimi's listeners (TCP and HTTP/WebSocket) and feeds every connection into one session handler.

import type { MimiConfig } from "../core/config/schema.ts";
import { maxOuterPayload } from "../core/crypto/channel.ts";
import { encodeAlert } from "../core/crypto/handshake_messages.ts";
import { fingerprint, publicKeys } from "../core/crypto/identity.ts";
import { detectProvider } from "../core/crypto/primitives/detect.ts";
import type { CryptoProvider } from "../core/crypto/primitives/types.ts";
import { cryptoSettings } from "../core/crypto/settings.ts";
import { AdmissionControl } from "./admission.ts";
import type { Logger } from "./log.ts";
import { loadServerKeys } from "./identity.ts";
import { secureConnection } from "./secure_connection.ts";
import { accountsService } from "./services/accounts.ts";
import { echoHandlers } from "./services/echo.ts";
import { loadOpaqueSetup } from "./services/opaque_setup.ts";
import { RegistrationLimiter } from "./services/registration_limit.ts";
import { Sessions } from "./services/sessions.ts";
import { LoginThrottle } from "./services/throttle.ts";
import { openSqliteStore } from "./store/sqlite.ts";
import type { Store } from "./store/types.ts";
import { type Handler, runSession } from "./session.ts";
import type { Connection } from "./transport/connection.ts";
import { formatAddress, listenTcp } from "./transport/tcp.ts";
import { upgradeWebSocket } from "./transport/websocket.ts";

/** Serves everything on the HTTP port that is not the WebSocket endpoint (pages, assets). */
export type HttpHandler = (request: Request) => Response | Promise<Response>;

/** A running server. */
export interface MimiServer {
  /** Whether both listeners speak TLS (`server.tls`). */
  readonly tls: boolean;
  /** Where native clients connect. */
  readonly tcpAddr: Deno.NetAddr;
  /** Where browsers load the web client; the WebSocket endpoint is `/ws` on it. */
  readonly httpAddr: Deno.NetAddr;
  /** Absolute path of the data directory. */
  readonly dataDir: string;
  /** The server's fingerprint, which clients pin (PROTOCOL.md §8.5). */
  readonly fingerprint: string;
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
  options: { logger: Logger; http: (fingerprint: string) => HttpHandler; provider?: CryptoProvider },
): Promise<MimiServer> {
  const { logger } = options;
  await Deno.mkdir(config.server.dataDir, { recursive: true });
  const dataDir = await Deno.realPath(config.server.dataDir);
  const provider = options.provider ?? await detectProvider();
  const keys = await loadServerKeys(dataDir, provider, logger);
  const serverFingerprint = fingerprint(provider, publicKeys(keys));
  const settings = cryptoSettings(config.crypto);
  const { limits } = config.server;
  const admission = new AdmissionControl(limits);
  const store: Store = openSqliteStore(`${dataDir}/mimi.db`);
  const sessions = new Sessions({ store, logger, graceMs: config.server.presenceGraceMs });
  const accounts = accountsService({
    store,
    sessions,
    throttle: new LoginThrottle(),
    registration: config.server.registration,
    registrationLimiter: new RegistrationLimiter({
      perAddressPerHour: limits.registrationsPerIpPerHour,
      perHour: limits.registrationsPerHour,
    }),
    opaqueSetup: await loadOpaqueSetup(dataDir),
  });
  const handlers: ReadonlyMap<number, Handler> = new Map([...echoHandlers(), ...accounts.handlers]);
  const live = new Set<Connection>();
  // Transports carry records, which wrap a whole envelope frame plus padding and tag.
  const transportLimits = {
    maxFrameBytes: maxOuterPayload(limits.maxFrameBytes, settings.records.padding),
    outboundQueueBytes: limits.outboundQueueBytes,
  };
  const secureContext = {
    handshake: { provider, accept: settings.preferences, group: settings.group, keys },
    records: settings.records,
    handshakeTimeoutMs: settings.handshakeTimeoutMs,
    maxFrameBytes: limits.maxFrameBytes,
    logger,
  };
  const pages = options.http(serverFingerprint);

  const serveConnection = (raw: Connection): void => {
    const fields = { conn: raw.id, transport: raw.transport, remote: raw.remoteAddress };
    const admitted = admission.admit(raw.remoteHost);
    if (!admitted.ok) {
      logger.warn("connection_refused", { ...fields, code: admitted.code });
      // No keys exist yet, so the refusal is a plaintext alert (PROTOCOL.md §7.5).
      raw.send(encodeAlert({ code: admitted.code, message: admitted.message, retryAfterMs: admitted.retryAfterMs }));
      void raw.close(admitted.code, 1013);
      return;
    }
    const connection = secureConnection(raw, secureContext);
    live.add(connection);
    const started = performance.now();
    logger.info("connect", fields);
    void runSession(connection, { logger, handlers });
    void connection.closed.then(({ reason }) => {
      accounts.closed(connection);
      live.delete(connection);
      admitted.release();
      logger.info("disconnect", { ...fields, reason, ms: Math.round(performance.now() - started) });
    });
  };

  const tls = await readTls(config);
  const tcp = listenTcp(
    { hostname: config.server.host, port: config.server.tcpPort, tls, ...transportLimits },
    serveConnection,
    (error) => logger.error("accept_failed", { transport: "tcp", error: String(error) }),
  );

  const http = Deno.serve({
    hostname: config.server.host,
    port: config.server.httpPort,
    ...tls,
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
    return pages(request);
  });

  const httpAddr = http.addr as Deno.NetAddr;
  const tlsField = { tls: tls !== undefined };
  logger.info("listen", { transport: "tcp", address: formatAddress(tcp.addr.hostname, tcp.addr.port), ...tlsField });
  logger.info("listen", { transport: "http", address: formatAddress(httpAddr.hostname, httpAddr.port), ...tlsField });

  return {
    tls: tls !== undefined,
    tcpAddr: tcp.addr,
    httpAddr,
    dataDir,
    fingerprint: serverFingerprint,
    get openConnections() {
      return live.size;
    },
    async close() {
      tcp.close();
      await Promise.all([...live].map((connection) => connection.close("server_shutdown", 1001)));
      await tcp.done;
      await http.shutdown();
      sessions.close();
      store.close();
    },
  };
}

/** Reads `server.tls` certificate and key, or `undefined` when TLS is off. */
async function readTls(config: MimiConfig): Promise<{ cert: string; key: string } | undefined> {
  const { certFile, keyFile } = config.server.tls;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error("server.tls needs both certFile and keyFile");
  const [cert, key] = await Promise.all([Deno.readTextFile(certFile), Deno.readTextFile(keyFile)]);
  return { cert, key };
}

// Starts Mimi's listeners (TCP and HTTP/WebSocket), admits every socket, and feeds every connection into the rpc
// dispatcher with every service; stops in order.

import type { PageSettings } from "../core/client/mod.ts";
import type { MimiConfig } from "../core/config/schema.ts";
import { pageSettings, WEBSOCKET_PATH } from "./page_settings.ts";
import { maxOuterPayload } from "../core/crypto/channel.ts";
import { encodeEnvelope } from "../core/codec/envelope.ts";
import { encodeFrame } from "../core/codec/frame.ts";
import { encodeAlert } from "../core/crypto/handshake_messages.ts";
import { fingerprint, publicKeys, type ServerKeys } from "../core/crypto/identity.ts";
import { detectProvider } from "../core/crypto/primitives/detect.ts";
import { nodeEd25519Sign } from "./node_ed25519.ts";
import { withNodeDigests } from "./node_hash.ts";
import { nodeP256 } from "./node_p256.ts";
import { nodeX25519 } from "./node_x25519.ts";
import { withNodeAesGcm } from "./node_aead.ts";
import type { CryptoProvider } from "../core/crypto/primitives/types.ts";
import { cryptoSettings } from "../core/crypto/settings.ts";
import { Op } from "../core/protocol/opcodes.ts";
import type { AnyOp } from "../core/protocol/registry.ts";
import { AdmissionControl, type Refusal, type Slot } from "./admission.ts";
import { handshakeUnits } from "./handshake_cost.ts";
import { type Clock, systemClock } from "../core/time/clock.ts";
import { ConnectionWatch } from "./connection_watch.ts";
import { prepareDataDir } from "./data_dir.ts";
import { ConnectionTally } from "./connection_tally.ts";
import { Deadlines } from "./deadlines.ts";
import { connectionCap, openFileLimit } from "./fd_limit.ts";
import type { Logger } from "./log.ts";
import { loadServerKeys } from "./identity.ts";
import { type SecureConnection, secureConnection } from "./secure_connection.ts";
import { LocalHub } from "./hub/local.ts";
import { createDispatcher } from "./rpc/dispatch.ts";
import { createServices, loadServiceFiles } from "./services/mod.ts";
import { osReason, StartupError } from "./startup_error.ts";
import { openSqliteStore } from "./store/sqlite.ts";
import { openFailureKind, SchemaTooNewError } from "./store/errors.ts";
import type { Store } from "./store/types.ts";
import { OutboundBudget } from "./transport/_outbound.ts";
import { type AcceptFailure, acceptLoop } from "./transport/accept.ts";
import type { Connection } from "./transport/connection.ts";
import { type HttpHandler, httpPort } from "./transport/http.ts";
import { plainHttpResponse } from "./transport/plain_response.ts";
import { Socket } from "./transport/socket.ts";
import { formatAddress, tcpConnection } from "./transport/tcp.ts";

export type { HttpHandler } from "./transport/http.ts";

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
  /** Secured connections currently open, over both transports. */
  readonly openConnections: number;
  /** Sockets currently open on both ports, whatever they are doing. */
  readonly openSockets: number;
  /** The connection cap in force: `server.limits.maxConnections`, or less if the open-file limit is lower. */
  readonly maxConnections: number;
  /**
   * Stops in order: no new connections, a `server_shutdown` notice to every client, the store flushed and closed.
   * Safe to call any number of times; every call resolves when the server has stopped.
   */
  close(): Promise<void>;
  /** Makes a running {@link close} finish now: queued bytes are dropped instead of waited for. */
  hurry(): void;
}

/**
 * Refusals that may wait at once for their answer to reach the peer (up to a second each, see Socket.refuse); more are
 * closed at once, so that a flood of refused connections cannot hold many descriptors.
 */
const MAX_LINGERING_REFUSALS = 16;

/** Sockets kept free below the count at which accepting ran out of descriptors: the refusals, and a few files. */
const EMFILE_HEADROOM = MAX_LINGERING_REFUSALS + 4;

/** Running out of descriptors lowers the cap at most this often, and never below MIN_CONNECTION_CAP. */
const EMFILE_STEP_MS = 10_000;
const MIN_CONNECTION_CAP = 16;

/** Connections the kernel may queue for the accept loop; Linux caps it at net.core.somaxconn. */
const TCP_BACKLOG = 4096;

/** How long the shutdown notices have to leave once a second signal hurries the shutdown. */
const HURRY_GRACE_MS = 100;

/** Options of {@link startServer}. */
export interface StartOptions {
  logger: Logger;
  /**
   * Builds the handler of pages and assets, given what the web client needs to connect as this server expects: its
   * fingerprint, the WebSocket path, the `crypto` section and the envelope limit.
   */
  http: (page: PageSettings) => HttpHandler;
  provider?: CryptoProvider;
  /** Time and timers for deadlines; tests pass a fake clock. */
  clock?: Clock;
  /**
   * For tests: every response is checked against its operation's schema, and a mismatch is logged as an error and
   * answered `internal` (see server/rpc/dispatch.ts).
   */
  checkResponses?: boolean;
  /** For tests: awaited before each request is handled, to hold one back (see server/rpc/dispatch.ts). */
  beforeHandler?: (op: AnyOp) => void | Promise<void>;
  /** For tests: runs each group commit of messages later, to hold one back (see server/store/sqlite.ts). */
  scheduleGroupCommit?: (run: () => void) => void;
}

/**
 * Starts the server: a TCP listener and an HTTP server whose `/ws` upgrades
 * to the same protocol. Both feed the same session handler.
 *
 * @param config The resolved configuration.
 * @param options Logger, pages, and optionally the crypto provider and clock.
 * @returns The running server, once both listeners are bound; throws {@link StartupError} for a problem the
 *   person running it can fix (a busy port, an unusable data directory, a locked or damaged database).
 */
export async function startServer(config: MimiConfig, options: StartOptions): Promise<MimiServer> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  // Whatever is opened is closed again if a later step fails, so a failed start leaves no lock or listener behind.
  const undo: (() => void | Promise<void>)[] = [];
  try {
    return await start(config, options, clock, undo);
  } catch (error) {
    for (const step of undo.reverse()) await step();
    throw error;
  }

  async function start(
    config: MimiConfig,
    options: StartOptions,
    clock: Clock,
    undo: (() => void | Promise<void>)[],
  ) {
    const dir = await prepareDataDir(config.server.dataDir, logger);
    undo.push(() => dir.release());
    const dataDir = dir.path;
    // Records on OpenSSL's AES-GCM (server/node_aead.ts); the rest from the platform. Tests may pass their own.
    // node:crypto where it costs the handshake less CPU than WebCrypto or noble (bench/README.md, issue 12).
    const native = { x25519: nodeX25519, p256: nodeP256, ed25519Sign: nodeEd25519Sign() };
    const provider = options.provider ?? withNodeAesGcm(withNodeDigests(await detectProvider(native)));
    const keys = await fileStep(`${dataDir}/server_identity.json`, () => loadServerKeys(dataDir, provider, logger));
    const serverFingerprint = fingerprint(provider, publicKeys(keys));
    const settings = cryptoSettings(config.crypto);
    const limits = config.server.limits;
    const store = openStore(dir.databasePath, options.scheduleGroupCommit);
    undo.push(() => store.close());
    const serviceFiles = await loadServiceFiles(dataDir, fileStep);
    undo.push(() => serviceFiles.opaque.close());
    const tls = await readTls(config);

    const maxConnections = connectionCap(limits.maxConnections, openFileLimit());
    if (maxConnections < limits.maxConnections) {
      logger.warn("connection_cap", {
        message: `server.limits.maxConnections is ${limits.maxConnections}, but the open-file limit leaves room for ` +
          `${maxConnections}; raise the limit (ulimit -n) to serve more`,
        maxConnections,
      });
    }
    const now = () => clock.now();
    const admission = new AdmissionControl({ ...limits, maxConnections }, now);
    const deadlines = new Deadlines(clock);
    const tally = new ConnectionTally(logger, clock);
    const budget = new OutboundBudget(limits.outboundTotalBytes);
    const watches = new Map<Connection, { slot: Slot; watch: ConnectionWatch }>();
    const hub = new LocalHub({ clock, graceMs: config.server.presenceGraceMs, lastSeen: store.users, logger });
    const dispatcher = createDispatcher({
      logger,
      services: createServices({
        store,
        hub,
        clock,
        provider,
        ...serviceFiles,
        registration: config.server.registration,
        limits,
        uploadTtlMs: config.server.uploadTtlMs,
        recallWindowMs: config.server.recallWindowMs,
        lobbyCountIntervalMs: config.server.lobbyCountIntervalMs,
        logger,
      }),
      checkResponses: options.checkResponses,
      beforeHandler: options.beforeHandler,
      onLogin(connection) {
        const entry = watches.get(connection);
        entry?.slot.setPhase("user");
        entry?.watch.loggedIn();
      },
      onLogout(connection) {
        const entry = watches.get(connection);
        entry?.slot.setPhase("open");
        entry?.watch.loggedOut(clock.now());
      },
    });
    /** Connections whose dispatch (with its close hooks) has not finished; shutdown waits for them. */
    const serving = new Set<Promise<void>>();
    const live = new Set<SecureConnection>();
    const sockets = new Set<Socket>();
    const outerFrameBytes = maxOuterPayload(limits.maxFrameBytes, settings.records.padding);
    const secureContext = {
      handshake: {
        provider,
        accept: settings.preferences,
        group: settings.group,
        keys: keys as ServerKeys,
        maxFrameBytes: limits.maxFrameBytes,
      },
      records: settings.records,
      maxFrameBytes: limits.maxFrameBytes,
      logger,
    };
    const watchLimits = {
      handshakeTimeoutMs: settings.handshakeTimeoutMs,
      loginTimeoutMs: limits.loginTimeoutMs,
      keepAliveMs: limits.keepAliveMs,
    };

    /** Runs the secure channel and a session on a transport connection that holds `slot`. */
    const serveSecure = (raw: Connection, slot: Slot): void => {
      const fields = { conn: raw.id, transport: raw.transport, remote: raw.remoteAddress };
      const watch = new ConnectionWatch(watchLimits, {
        end: (code, message, reason) => {
          // A handshake left unfinished may be an attack on the server's resources; the rest is housekeeping.
          if (reason === "handshake_timeout") {
            logger.warn("security", { conn: raw.id, remote: raw.remoteAddress, kind: reason, message });
          } else logger.debug("timeout", { ...fields, reason });
          void connection.endWith(code, message, reason, 1008);
        },
        ping: () => connection.write(encodeEnvelope({ opcode: Op.ping, id: 0, body: { time: clock.now() } })),
        recheck: () => deadlines.recheck(watch),
      }, clock.now());
      const connection = secureConnection(raw, secureContext, {
        beforeKeyExchange(kex) {
          slot.setPhase("hello"); // a step forward: a client that sent its ClientHello is not a silent one
          const refusal = admission.chargeHandshake(slot, handshakeUnits(kex, settings.group));
          return refusal && { code: refusal.code, message: refusal.message, retryAfterMs: refusal.retryAfterMs };
        },
        established() {
          tally.secured();
          slot.setPhase("open");
          watch.established(clock.now());
        },
        heard: () => watch.heard(clock.now()),
      });
      slot.onEvict = (refusal) => {
        logger.debug("evicted", { ...fields, message: refusal.message });
        void connection.endWith(refusal.code, refusal.message, "evicted", 1013);
      };
      live.add(connection);
      watches.set(connection, { slot, watch });
      deadlines.add(watch);
      const started = performance.now();
      // Counted, not logged one by one at info level: a line per connect, handshake and disconnect cost ~5 % of a
      // handshake's CPU (connection_tally.ts).
      tally.opened(raw.transport);
      logger.debug("connect", fields);
      const served = dispatcher.serve(connection);
      serving.add(served);
      void served.then(() => serving.delete(served));
      void connection.closed.then(({ reason }) => {
        live.delete(connection);
        watches.delete(connection);
        deadlines.delete(watch);
        slot.release();
        tally.closed(reason);
        logger.debug("disconnect", { ...fields, reason, ms: Math.round(performance.now() - started) });
      });
    };

    /** Wraps an accepted descriptor; the slot is released the moment the descriptor is closed. */
    const socketFor = (conn: Deno.Conn, slot?: Slot): Socket => {
      const socket = new Socket(conn, {
        outboundQueueBytes: limits.outboundQueueBytes,
        budget,
        onClosed: () => {
          slot?.release();
          sockets.delete(socket);
        },
      });
      sockets.add(socket);
      return socket;
    };

    let lingering = 0;
    let loweredAt = -Infinity;
    // A flood of refusals must not become a flood of log lines: one line per code a second, with the count left out.
    const refusalLog = new Map<string, { at: number; suppressed: number }>();
    const refused = (transport: string, host: string, refusal: Refusal) => {
      const now = clock.now();
      const last = refusalLog.get(refusal.code);
      if (last && now - last.at < 1000) {
        last.suppressed++;
        return;
      }
      refusalLog.set(refusal.code, { at: now, suppressed: 0 });
      logger.warn("connection_refused", {
        transport,
        remote: host,
        code: refusal.code,
        message: refusal.message,
        ...(last?.suppressed ? { alsoRefusedBefore: last.suppressed } : {}),
      });
    };
    const acceptFailed = (transport: string) => (failure: AcceptFailure) => {
      logger.error("accept_failed", {
        transport,
        error: String(failure.error),
        failures: failure.failures,
        backoffMs: failure.backoffMs,
        message: "Accepting connections failed; open connections are still served, new ones wait",
      });
      // Out of descriptors below the cap (the open-file limit could not be read, or other files take them): the cap
      // comes down to what fits, so that from now on the oldest connections that have not logged in make room.
      const now = clock.now();
      // At most one step down per EMFILE_STEP_MS: right after one, descriptors still being released must not ratchet
      // the cap down further.
      if (
        isOutOfDescriptors(failure.error) && sockets.size - EMFILE_HEADROOM < admission.maxConnections &&
        now - loweredAt >= EMFILE_STEP_MS
      ) {
        loweredAt = now;
        admission.setMaxConnections(Math.max(MIN_CONNECTION_CAP, sockets.size - EMFILE_HEADROOM));
        logger.warn("connection_cap", {
          message: `Out of file descriptors with ${sockets.size} sockets open; serving at most ` +
            `${admission.maxConnections} connections from now on (raise ulimit -n to serve more)`,
          maxConnections: admission.maxConnections,
        });
      }
    };

    const webHint = () =>
      `The web client is at http${tls ? "s" : ""}://${
        formatAddress(config.server.host, (httpListener.addr as Deno.NetAddr).port)
      }/`;
    const tcpListener = listen("server.tcpPort", config.server.host, config.server.tcpPort, tls);
    undo.push(() => tcpListener.close());
    const httpListener = listen("server.httpPort", config.server.host, config.server.httpPort, tls);
    undo.push(() => httpListener.close());

    const web = httpPort({
      limits: { ...limits, maxFrameBytes: outerFrameBytes },
      wsPath: WEBSOCKET_PATH,
      allowedOrigins: config.server.allowedOrigins,
      pages: options.http(pageSettings(config, serverFingerprint)),
      onWebSocket: serveSecure,
      deadlines,
      now: () => clock.now(),
      logger,
    });

    /**
     * Accepts on one port: every socket is admitted (or refused in the port's own language) before anything is read,
     * and the slot it takes is released when its descriptor closes.
     */
    const acceptOn = (
      listener: Deno.Listener<Deno.Conn<Deno.NetAddr>>,
      port: { transport: "tcp" | "http"; phase: "handshake" | "http"; refusal(refusal: Refusal): Uint8Array },
      serve: (socket: Socket, slot: Slot) => void,
    ) =>
      acceptLoop(listener, (conn) => {
        setNoDelay(conn);
        const host = conn.remoteAddr.hostname;
        const admitted = admission.admit(host, port.phase);
        if (!admitted.ok) {
          refused(port.transport, host, admitted);
          const socket = socketFor(conn);
          if (lingering >= MAX_LINGERING_REFUSALS) {
            socket.write(port.refusal(admitted));
            void socket.close(admitted.code, 0);
            return;
          }
          lingering++;
          void socket.refuse(admitted.code, port.refusal(admitted)).finally(() => lingering--);
          return;
        }
        serve(socketFor(conn, admitted.slot), admitted.slot);
      }, acceptFailed(port.transport));

    const tcpLoop = acceptOn(tcpListener, {
      transport: "tcp",
      phase: "handshake",
      // No keys exist yet, so the refusal is a plaintext alert (PROTOCOL.md §7.5).
      refusal: ({ code, message, retryAfterMs }) => encodeFrame(encodeAlert({ code, message, retryAfterMs })),
    }, (socket, slot) => {
      serveSecure(tcpConnection(socket, { maxFrameBytes: outerFrameBytes, webHint: webHint() }), slot);
    });

    const httpLoop = acceptOn(
      httpListener,
      { transport: "http", phase: "http", refusal: httpRefusal },
      (socket, slot) => {
        // A plain HTTP socket that must make room is just closed; an upgraded one is told (serveSecure replaces this).
        slot.onEvict = () => void socket.close("evicted", 0);
        web.serve(socket, slot);
      },
    );

    const httpAddr = httpListener.addr as Deno.NetAddr;
    const tlsField = { tls: tls !== undefined };
    logger.info("listen", {
      transport: "tcp",
      address: formatAddress(tcpLoop.addr.hostname, tcpLoop.addr.port),
      ...tlsField,
    });
    logger.info("listen", { transport: "http", address: formatAddress(httpAddr.hostname, httpAddr.port), ...tlsField });

    let closing: Promise<void> | undefined;
    let hurried = false;
    const hurry = () => {
      if (hurried) return;
      hurried = true;
      // The shutdown notices are being sealed and queued right now (a double Ctrl-C comes within milliseconds of the
      // first): they get a moment to leave, then every socket still open is cut without waiting for slow peers.
      setTimeout(() => {
        for (const socket of sockets) void socket.close("server_shutdown", 0);
      }, HURRY_GRACE_MS);
    };
    return {
      tls: tls !== undefined,
      tcpAddr: tcpLoop.addr,
      httpAddr,
      dataDir,
      fingerprint: serverFingerprint,
      get maxConnections() {
        return admission.maxConnections;
      },
      get openConnections() {
        return live.size;
      },
      get openSockets() {
        return sockets.size;
      },
      close() {
        closing ??= (async () => {
          tcpLoop.close();
          httpLoop.close();
          deadlines.stop();
          // Every client is told, in its channel, why the connection ends (and the notice leaves before its socket
          // closes); then the sockets that were only HTTP close.
          await Promise.all(
            [...live].map((c) => c.endWith("server_shutdown", "The server is shutting down", "server_shutdown", 1001)),
          );
          await Promise.all([...sockets].map((s) => s.close("server_shutdown", hurried ? 0 : undefined)));
          await Promise.all([tcpLoop.done, httpLoop.done]);
          // Every connection's close hooks have run, last-seen times are written before the store closes, and the
          // store closes before the lock goes.
          await Promise.all(serving);
          tally.stop(); // the last connections' count, before the store and the log's last lines
          await hub.close();
          serviceFiles.opaque.close();
          await store.close();
          dir.release();
        })();
        return closing;
      },
      hurry,
    } satisfies MimiServer;
  }
}

/** Binds a listener, or throws a {@link StartupError} naming the port's config key. */
function listen(
  key: string,
  hostname: string,
  port: number,
  tls: { cert: string; key: string } | undefined,
): Deno.Listener<Deno.Conn<Deno.NetAddr>> {
  try {
    // A deep backlog: a burst of reconnecting clients waits in the kernel for the accept loop instead of being dropped.
    const tcpBacklog = TCP_BACKLOG;
    return tls
      ? Deno.listenTls({ hostname, port, tcpBacklog, ...tls })
      : Deno.listen({ hostname, port, transport: "tcp", tcpBacklog });
  } catch (error) {
    const where = formatAddress(hostname, port);
    if (error instanceof Deno.errors.AddrInUse) {
      throw new StartupError(
        `Cannot listen on ${where} (${key}): the port is already in use; stop the program using it or choose another port with --${key}=…`,
        key,
        { cause: error },
      );
    }
    if (error instanceof Deno.errors.AddrNotAvailable) {
      throw new StartupError(
        `Cannot listen on ${where} (server.host): this machine has no such address`,
        "server.host",
        { cause: error },
      );
    }
    throw new StartupError(`Cannot listen on ${where} (${key}): ${osReason(error)}`, key, { cause: error });
  }
}

/** Opens the store, or throws a {@link StartupError} saying what is wrong with the database. */
function openStore(path: string, scheduleGroupCommit?: (run: () => void) => void): Store {
  try {
    return openSqliteStore(path, { scheduleGroupCommit });
  } catch (error) {
    if (error instanceof SchemaTooNewError) {
      throw new StartupError(`The database ${path} was written by a newer Mimi: ${error.message}`, "server.dataDir", {
        cause: error,
      });
    }
    const kind = openFailureKind(error);
    if (kind === "locked") {
      throw new StartupError(
        `The database ${path} is locked by another program (server.dataDir); close it and start again`,
        "server.dataDir",
        { cause: error },
      );
    }
    if (kind === "damaged") {
      throw new StartupError(
        `The database ${path} is damaged or is not a Mimi database (server.dataDir); restore it from a backup or move it away`,
        "server.dataDir",
        { cause: error },
      );
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new StartupError(`Cannot open the database ${path} (server.dataDir): ${detail}`, "server.dataDir", {
      cause: error,
    });
  }
}

/** Runs a step that reads or creates a file in the data directory, turning its failure into one line naming it. */
async function fileStep<T>(path: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof StartupError) throw error;
    const detail = error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable
      ? osReason(error)
      : (error as Error).message;
    throw new StartupError(`Cannot use ${path} (server.dataDir): ${detail}`, "server.dataDir", { cause: error });
  }
}

/** Reads `server.tls` certificate and key, or `undefined` when TLS is off. */
async function readTls(config: MimiConfig): Promise<{ cert: string; key: string } | undefined> {
  const { certFile, keyFile } = config.server.tls;
  if (!certFile && !keyFile) return undefined;
  const read = async (path: string, key: string) => {
    try {
      return await Deno.readTextFile(path);
    } catch (error) {
      throw new StartupError(`Cannot read ${path} (${key}): ${osReason(error)}`, key, { cause: error });
    }
  };
  return {
    cert: await read(certFile, "server.tls.certFile"),
    key: await read(keyFile, "server.tls.keyFile"),
  };
}

/** Whether an accept failed because the process has no file descriptor left (EMFILE, ENFILE). */
function isOutOfDescriptors(error: unknown): boolean {
  return /too many open files|os error 2[34]\b/i.test(String(error));
}

function setNoDelay(conn: Deno.Conn): void {
  // Without TCP_NODELAY a frame written in two parts stalls ~40 ms per round trip (Nagle + delayed ACK).
  // Deno's TLS connections do not expose the option.
  if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
}

/** The HTTP port's refusal at admission: 503 when the server is full, 429 for per-address limits. */
function httpRefusal(refusal: Refusal): Uint8Array {
  const status = refusal.code === "server_busy" ? 503 : 429;
  return plainHttpResponse(status, `${refusal.code}: ${refusal.message}`, refusal.retryAfterMs);
}

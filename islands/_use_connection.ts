// The page's secure connection: WebSocket, handshake checked against the page's fingerprint, and reconnecting on demand.

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import {
  clientFrameLimit,
  connectWebSocket,
  MimiClient,
  performClientHandshake,
  secureOptionsFromConfig,
} from "../core/client/mod.ts";
import { DEFAULT_CONFIG } from "../core/config/schema.ts";
import { HandshakeError } from "../core/crypto/errors.ts";
import { ProtocolError } from "../core/protocol/errors.ts";
import { detectProvider, isSecureCryptoAvailable } from "../core/crypto/primitives/detect.ts";
import type { CryptoProvider } from "../core/crypto/primitives/types.ts";
import { suiteName } from "../core/crypto/suites.ts";

/**
 * Where the connection is; `client` exists only while `connected`. `idle`: the server closed a connection nobody logged
 * in on (PROTOCOL.md §11.1, §11.3), which is not a failure: a new one opens when the page needs it.
 */
export type ConnectionState =
  | { status: "connecting" }
  | { status: "connected"; client: MimiClient; suite: string }
  | { status: "idle"; suite?: string }
  | { status: "closed"; suite?: string; error?: Error };

/** {@link useConnection}'s answer. */
export type Connection = ConnectionState & {
  /** The page is not a secure context: the handshake runs on noble, and only HTTPS would protect the page. */
  insecurePage: boolean;
  /** Closes the current connection, if any, and opens a fresh one (a new handshake, logged out). */
  reconnect(): void;
  /** The connected client, connecting first when the connection is idle or closed; rejects if that fails. */
  ready(): Promise<MimiClient>;
};

interface Waiter {
  resolve(client: MimiClient): void;
  reject(error: Error): void;
}

// The WebCrypto provider probes the platform when created: once per page is enough.
let provider: Promise<CryptoProvider> | undefined;

/**
 * Opens a secure connection to the page's own server.
 *
 * @param wsPath The WebSocket path on the page's origin, e.g. `/ws`.
 * @param fingerprint The server's fingerprint as the page was served; the handshake must present the same key.
 * @returns A client bound to the channel (logins need the binding) and the negotiated suite's name.
 */
async function openSecureClient(
  wsPath: string,
  fingerprint: string,
): Promise<{ client: MimiClient; suite: string }> {
  provider ??= detectProvider();
  const options = secureOptionsFromConfig(
    DEFAULT_CONFIG.crypto,
    DEFAULT_CONFIG.server.limits.maxFrameBytes,
    await provider,
    (result) => {
      if (result.fingerprint !== fingerprint) {
        throw new HandshakeError(
          "key_changed",
          `The server presented ${result.fingerprint}, but this page was served for ${fingerprint}`,
        );
      }
    },
  );
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  // The same frame limit as the terminal client's: a reply near the server's limit must be accepted here too.
  const raw = await connectWebSocket(`${scheme}//${location.host}${wsPath}`, {
    maxFrameBytes: clientFrameLimit(options),
  });
  const { duplex, result } = await performClientHandshake(raw, options);
  return {
    client: new MimiClient(duplex, { channelBinding: result.secrets.exporter }),
    suite: suiteName(result.suite),
  };
}

/**
 * Keeps one secure connection open for the component's lifetime.
 *
 * @param wsPath The WebSocket path on the page's origin.
 * @param fingerprint The fingerprint the page was served with.
 * @returns The connection's state, whether the page is insecure, and `reconnect()`.
 */
export function useConnection(wsPath: string, fingerprint: string): Connection {
  const [state, setState] = useState<ConnectionState>({ status: "connecting" });
  const [insecurePage, setInsecurePage] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const stateRef = useRef(state);
  stateRef.current = state;
  const waiters = useRef<Waiter[]>([]);

  useEffect(() => setInsecurePage(!isSecureCryptoAvailable()), []);

  // Whoever waits for a client hears how the connection they asked for turned out.
  useEffect(() => {
    if (state.status === "connecting" || state.status === "idle") return;
    const waiting = waiters.current;
    waiters.current = [];
    for (const waiter of waiting) {
      if (state.status === "connected") waiter.resolve(state.client);
      else waiter.reject(state.error ?? new Error("The connection to the server closed"));
    }
  }, [state]);

  useEffect(() => {
    // Events of a connection this effect no longer owns (after reconnect or unmount) change nothing.
    let current = true;
    let client: MimiClient | undefined;
    setState({ status: "connecting" });
    openSecureClient(wsPath, fingerprint).then(
      (opened) => {
        if (!current) return void opened.client.close();
        client = opened.client;
        setState({ status: "connected", ...opened });
        client.closed.then((error) => {
          if (!current) return;
          // Closed for not logging in in time, or to make room for another while not logged in (PROTOCOL.md §11):
          // nothing the user did, and the next action connects again.
          if (error instanceof ProtocolError && (error.code === "login_timeout" || error.code === "server_busy")) {
            setState({ status: "idle", suite: opened.suite });
          } else setState({ status: "closed", suite: opened.suite, error });
        });
      },
      (error: Error) => current && setState({ status: "closed", error }),
    );
    return () => {
      current = false;
      void client?.close();
    };
  }, [wsPath, fingerprint, attempt]);

  const reconnect = useCallback(() => setAttempt((n) => n + 1), []);
  const ready = useCallback((): Promise<MimiClient> => {
    const now = stateRef.current;
    if (now.status === "connected") return Promise.resolve(now.client);
    if (now.status !== "connecting") reconnect();
    return new Promise((resolve, reject) => waiters.current.push({ resolve, reject }));
  }, [reconnect]);
  return { ...state, insecurePage, reconnect, ready };
}

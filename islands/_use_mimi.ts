// The one hook through which islands reach the SDK: a connection to the page's own server and its state store.

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import {
  type ChatLimits,
  type ClientState,
  connectPage,
  type CryptoProvider,
  detectProvider,
  IndexedDbDeviceKeyStore,
  IndexedDbOutboxStore,
  initialClientState,
  isSecureCryptoAvailable,
  type MimiConnection,
  type PageSettings,
} from "../core/client/mod.ts";
import { pageOpaque } from "./_page_opaque.ts";

/** {@link useMimi}'s answer. */
export interface Mimi {
  /** What the screens draw from: the connection's snapshot (before it exists, connecting and signed out). */
  state: ClientState;
  /** The connection; `undefined` while the page renders on the server and until the browser has made it. */
  connection: MimiConnection | undefined;
  /** The page is not a secure context: the handshake runs on noble, and only HTTPS would protect the page. */
  insecurePage: boolean;
  /** This browser can remember the device (it has WebCrypto to make a non-extractable key, and IndexedDB). */
  canRemember: boolean;
  /** The server's limits on messages, as the page was served: the chat refuses what the server would. */
  limits: ChatLimits;
  /** Replaces a connection that ended for good (kicked, closed) with a new one, which starts signed out. */
  reconnect(): void;
}

/** What a store offers its readers (`MimiConnection` is one), as `useSyncExternalStore` takes it. */
interface Readable<S> {
  subscribe(fn: () => void): () => void;
  getSnapshot(): S;
}

/**
 * Reads a store as `useSyncExternalStore` does (preact/compat is not in the import map): renders with the current
 * snapshot, and again whenever a different one is published.
 */
function useSnapshot<S>(store: Readable<S> | undefined, fallback: S): S {
  const snapshot = store ? store.getSnapshot() : fallback;
  const [, rerender] = useState(0);
  const rendered = useRef(snapshot);
  rendered.current = snapshot;
  useEffect(() => {
    if (!store) return;
    const check = () => {
      if (!Object.is(store.getSnapshot(), rendered.current)) rerender((n) => n + 1);
    };
    // A change between the render and this subscription would otherwise go unseen.
    check();
    return store.subscribe(check);
  }, [store]);
  return snapshot;
}

// Once per page: the WebCrypto provider probes the platform when made, and one key store serves every connection.
let provider: Promise<CryptoProvider> | undefined;
let deviceKeys: IndexedDbDeviceKeyStore | undefined;
let outboxStore: IndexedDbOutboxStore | undefined;

/** Whether this browser can keep a device key: WebCrypto makes it non-extractable, IndexedDB keeps it. */
function canRememberHere(): boolean {
  return isSecureCryptoAvailable() && "indexedDB" in globalThis;
}

/** The state of a page whose connection could not even be made (no provider, settings the SDK refuses). */
function failedState(error: Error): ClientState {
  return { ...initialClientState, connection: { status: { state: "closed", error }, suite: null } };
}

/**
 * Connects the page to the server that served it, for the component's lifetime, and reads the connection's state.
 *
 * @param settings What the server wrote into the page (the island's props).
 * @param paused Whether to hold off connecting (a changed server key not yet accepted, another tab holding the
 *   session): the page stays connecting, with no connection, until it is false.
 * @returns The state, the connection, what the browser can do, and `reconnect()`.
 */
export function useMimi(settings: PageSettings, paused = false): Mimi {
  const [connection, setConnection] = useState<MimiConnection | undefined>(undefined);
  const [failure, setFailure] = useState<Error | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const [browser, setBrowser] = useState({ insecurePage: false, canRemember: false });

  // Known only in the browser: the server renders the page as a secure one that cannot remember.
  useEffect(() => {
    setBrowser({ insecurePage: !isSecureCryptoAvailable(), canRemember: canRememberHere() });
  }, []);

  useEffect(() => {
    // A connection made after this effect was replaced (reconnect, unmount) is closed at once.
    let current = true;
    let made: MimiConnection | undefined;
    setFailure(undefined);
    if (paused) return;
    provider ??= detectProvider();
    provider.then((primitives) => {
      if (!current) return;
      if (canRememberHere()) deviceKeys ??= new IndexedDbDeviceKeyStore();
      // Messages not answered when the page closed go out at the next login; without IndexedDB, only while open.
      if ("indexedDB" in globalThis) outboxStore ??= new IndexedDbOutboxStore();
      made = connectPage(settings, {
        origin: location.origin,
        provider: primitives,
        deviceKeys,
        outboxStore,
        opaque: pageOpaque(),
      });
      setConnection(made);
    }).catch((error: Error) => {
      // Not swallowed: the page shows it as a closed connection, with its reason.
      if (current) setFailure(error);
    });
    return () => {
      current = false;
      void made?.close();
    };
  }, [settings, generation, paused]);

  const state = useSnapshot(connection, initialClientState);
  const reconnect = useCallback(() => {
    setConnection(undefined);
    setGeneration((n) => n + 1);
  }, []);
  return { state: failure ? failedState(failure) : state, connection, ...browser, limits: settings.chat, reconnect };
}

// The walking-skeleton island: a secure WebSocket connection, an echo, and what protects it.

import { useEffect, useRef, useState } from "preact/hooks";
import { DEFAULT_CONFIG } from "../core/config/schema.ts";
import { MimiClient } from "../core/client/client.ts";
import { secureOptionsFromConfig, secureTransport } from "../core/client/secure.ts";
import { connectWebSocket } from "../core/client/websocket.ts";
import { HandshakeError } from "../core/crypto/errors.ts";
import { detectProvider, isSecureCryptoAvailable } from "../core/crypto/primitives/detect.ts";
import { suiteName } from "../core/crypto/suites.ts";

/** Props of {@link EchoDemo}; serialisable, as the page passes them through HTML. */
export interface EchoDemoProps {
  /** WebSocket endpoint path on the page's origin, e.g. `/ws`. */
  wsPath: string;
  /** The server's fingerprint as the page was served; the handshake must present the same key. */
  fingerprint: string;
}

type Status = "connecting" | "connected" | "closed";

/** Sends text to the server's `echo` over the secure channel and lists the answers. */
export function EchoDemo({ wsPath, fingerprint }: EchoDemoProps) {
  const [status, setStatus] = useState<Status>("connecting");
  const [suite, setSuite] = useState("");
  const [error, setError] = useState("");
  const [insecurePage, setInsecurePage] = useState(false);
  const [text, setText] = useState("你好, Mimi");
  const [answers, setAnswers] = useState<string[]>([]);
  const client = useRef<MimiClient | undefined>(undefined);

  useEffect(() => {
    let cancelled = false;
    setInsecurePage(!isSecureCryptoAvailable());
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    (async () => {
      const provider = await detectProvider();
      const options = secureOptionsFromConfig(
        DEFAULT_CONFIG.crypto,
        DEFAULT_CONFIG.server.limits.maxFrameBytes,
        provider,
        (result) => {
          if (result.fingerprint !== fingerprint) {
            throw new HandshakeError(
              "key_changed",
              `The server presented ${result.fingerprint}, but this page was served for ${fingerprint}`,
            );
          }
        },
      );
      const raw = await connectWebSocket(`${scheme}//${location.host}${wsPath}`);
      const { transport, result } = await secureTransport(raw, options);
      if (cancelled) return transport.close();
      const c = new MimiClient(transport);
      client.current = c;
      setSuite(suiteName(result.suite));
      setStatus("connected");
      c.closed.then((reason) => {
        setStatus("closed");
        if (reason) setError(reason.message);
      });
    })().catch((e: Error) => {
      setStatus("closed");
      setError(e.message);
    });
    return () => {
      cancelled = true;
      client.current?.close();
    };
  }, [wsPath, fingerprint]);

  const send = async (event: Event) => {
    event.preventDefault();
    if (!client.current) return;
    try {
      const reply = await client.current.echo(text);
      setAnswers((list) => [...list, typeof reply === "string" ? reply : JSON.stringify(reply)]);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section class="echo">
      {insecurePage && (
        <p class="notice" data-testid="insecure-notice">
          This page came over plain HTTP, so the browser offers no WebCrypto here. Messages are still encrypted to the
          server (with a built-in JavaScript implementation), but only HTTPS also protects this page itself.
        </p>
      )}
      <p>
        Connection: <strong data-testid="status">{status}</strong>
        {suite && <span class="suite" data-testid="suite">{suite}</span>}
        {error && <span class="error" data-testid="error">{error}</span>}
      </p>
      <p class="fingerprint">
        Server fingerprint: <code data-testid="fingerprint">{fingerprint}</code>
      </p>
      <form onSubmit={send}>
        <input
          aria-label="Text to echo"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={status !== "connected"}>Echo</button>
      </form>
      <ol data-testid="answers">
        {answers.map((answer, i) => <li key={i}>{answer}</li>)}
      </ol>
    </section>
  );
}

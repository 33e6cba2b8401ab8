// The walking-skeleton island: connects over WebSocket, sends an echo, shows the answer.

import { useEffect, useRef, useState } from "preact/hooks";
import { MimiClient } from "../core/client/client.ts";
import { connectWebSocket } from "../core/client/websocket.ts";

/** Props of {@link EchoDemo}; serialisable, as the page passes them through HTML. */
export interface EchoDemoProps {
  /** WebSocket endpoint path on the page's origin, e.g. `/ws`. */
  wsPath: string;
}

type Status = "connecting" | "connected" | "closed";

/** Sends text to the server's `echo` and lists the answers. */
export function EchoDemo({ wsPath }: EchoDemoProps) {
  const [status, setStatus] = useState<Status>("connecting");
  const [error, setError] = useState("");
  const [text, setText] = useState("你好, Mimi");
  const [answers, setAnswers] = useState<string[]>([]);
  const client = useRef<MimiClient | undefined>(undefined);

  useEffect(() => {
    let cancelled = false;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    connectWebSocket(`${scheme}//${location.host}${wsPath}`).then((transport) => {
      if (cancelled) return transport.close();
      const c = new MimiClient(transport);
      client.current = c;
      setStatus("connected");
      c.closed.then((reason) => {
        setStatus("closed");
        if (reason) setError(reason.message);
      });
    }, (e: Error) => {
      setStatus("closed");
      setError(e.message);
    });
    return () => {
      cancelled = true;
      client.current?.close();
    };
  }, [wsPath]);

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
      <p>
        Connection: <strong data-testid="status">{status}</strong>
        {error && <span class="error" data-testid="error">{error}</span>}
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

// The interface a client transport (TCP in the terminal, WebSocket in the browser) offers MimiClient.

/** Receives what a transport delivers. */
export interface TransportSink {
  /** One frame payload, in arrival order. */
  payload(payload: Uint8Array): void;
  /** The transport ended; `error` says why when it was not a clean close. */
  closed(error?: Error): void;
}

/**
 * Moves frame payloads (PROTOCOL.md §2) to and from the server; framing is
 * the transport's job, so the client sees whole payloads only.
 */
export interface PayloadTransport {
  /** Starts delivering to `sink`; called once. */
  start(sink: TransportSink): void;
  /** Sends one frame payload. */
  send(payload: Uint8Array): void;
  /** Closes the transport; `sink.closed` follows. */
  close(): void;
}

/** The transport failed or the server sent bytes that are not valid frames. */
export class TransportError extends Error {
  override name = "TransportError";
}

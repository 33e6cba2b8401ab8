// The server's TCP transport runs the Duplex contract suite over real loopback sockets, with a plain framed stream
// as its peer.

import { framedStream } from "../../core/transport/stream_framing.ts";
import { runDuplexSuite } from "../../core/transport/duplex_suite.ts";
import { Socket } from "./socket.ts";
import { tcpConnection, writeAll } from "./tcp.ts";

runDuplexSuite({
  name: "tcpConnection()",
  async pair() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const peer = await Deno.connect({ hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port });
    const accepted = await listener.accept();
    listener.close();
    const near = tcpConnection(new Socket(accepted, { outboundQueueBytes: 1 << 20 }), {
      maxFrameBytes: 1 << 20,
      webHint: "The web client is elsewhere.",
    });
    const buffer = new Uint8Array(65536);
    let closed = false;
    const far = framedStream({
      read: async () => {
        try {
          const n = await peer.read(buffer);
          return n === null ? null : buffer.subarray(0, n);
        } catch (error) {
          if (closed) return null; // our own close interrupted the read
          throw error;
        }
      },
      write: (bytes) => writeAll(peer, bytes),
      close() {
        if (!closed) peer.close();
        closed = true;
      },
    }, { maxFrameBytes: 1 << 20 });
    return { near, far };
  },
  test: Deno.test,
});

// With server.tls set, HTTPS/WSS and TLS on TCP wrap the same secure channel; clients trust the CA they are given.

import assert from "node:assert/strict";
import { MimiClient } from "../core/client/client.ts";
import { secureOptionsFromConfig } from "../core/client/secure.ts";
import { performClientHandshake } from "../core/crypto/perform_handshake.ts";
import { DEFAULT_CONFIG } from "../core/config/schema.ts";
import { nobleProvider } from "../core/crypto/primitives/noble.ts";
import { connectTcp } from "../cli/tcp.ts";
import { startTestServer } from "./_harness.ts";

const CERT = new URL("./fixtures/tls/cert.pem", import.meta.url).pathname;
const KEY = new URL("./fixtures/tls/key.pem", import.meta.url).pathname;
const CA = new URL("./fixtures/tls/ca.pem", import.meta.url).pathname;

function options(expected: string) {
  return secureOptionsFromConfig(
    DEFAULT_CONFIG.crypto,
    DEFAULT_CONFIG.server.limits.maxFrameBytes,
    nobleProvider,
    (r) => {
      assert.equal(r.fingerprint, expected);
    },
  );
}

Deno.test("server.tls serves TLS on TCP and the client's caFile makes it trusted", async () => {
  const server = await startTestServer([`--server.tls.certFile=${CERT}`, `--server.tls.keyFile=${KEY}`]);
  try {
    assert.equal(server.server.tls, true);
    const raw = await connectTcp("127.0.0.1", server.tcpPort, { tls: { caCerts: [await Deno.readTextFile(CA)] } });
    const { duplex } = await performClientHandshake(raw, options(server.server.fingerprint));
    const client = new MimiClient(duplex);
    assert.equal(await client.echo("经由 TLS"), "经由 TLS");
    await client.close();
    await client.closed;

    // Plain TCP to a TLS port is not a Mimi connection: the handshake cannot even start.
    const plain = await connectTcp("127.0.0.1", server.tcpPort);
    await assert.rejects(
      performClientHandshake(plain, { ...options(server.server.fingerprint), handshakeTimeoutMs: 2000 }),
    );
  } finally {
    await server.close();
  }
});

Deno.test("server.tls serves the page over HTTPS and the channel over WSS", async () => {
  const server = await startTestServer([`--server.tls.certFile=${CERT}`, `--server.tls.keyFile=${KEY}`]);
  const http = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(CA)] });
  try {
    const page = await fetch(`https://127.0.0.1:${server.httpPort}/`, { client: http });
    assert.ok((await page.text()).includes(server.server.fingerprint), "the page carries the fingerprint");
    // Deno's WebSocket trusts the CAs in DENO_CERT; a subprocess keeps this test's environment clean.
    const script = `
      import { MimiClient } from ${JSON.stringify(new URL("../core/client/client.ts", import.meta.url).href)};
      import { secureOptionsFromConfig } from ${
      JSON.stringify(new URL("../core/client/secure.ts", import.meta.url).href)
    };
      import { performClientHandshake } from ${
      JSON.stringify(new URL("../core/crypto/perform_handshake.ts", import.meta.url).href)
    };
      import { connectWebSocket } from ${
      JSON.stringify(new URL("../core/transport/websocket_client.ts", import.meta.url).href)
    };
      import { DEFAULT_CONFIG } from ${JSON.stringify(new URL("../core/config/schema.ts", import.meta.url).href)};
      import { nobleProvider } from ${
      JSON.stringify(new URL("../core/crypto/primitives/noble.ts", import.meta.url).href)
    };
      const options = secureOptionsFromConfig(DEFAULT_CONFIG.crypto, 1 << 20, nobleProvider, () => {});
      const { duplex, result } = await performClientHandshake(await connectWebSocket("wss://127.0.0.1:${server.httpPort}/ws"), options);
      const client = new MimiClient(duplex);
      console.log(result.fingerprint, await client.echo("wss"));
      client.close();
      await client.closed;`;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      cwd: new URL("../", import.meta.url).pathname,
      env: { DENO_CERT: CA },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.equal(new TextDecoder().decode(output.stdout).trim(), `${server.server.fingerprint} wss`);
  } finally {
    http.close();
    await server.close();
  }
});

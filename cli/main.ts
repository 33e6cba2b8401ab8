// The terminal client: `mimi client <command>`; for now `echo` and `ping` over TCP.

import type { MimiConfig } from "../core/config/schema.ts";
import { MimiClient } from "../core/client/client.ts";
import { connectTcp } from "./tcp.ts";

const USAGE = `Usage: mimi client <command> [args]

Commands:
  echo <text…>   send text to the server and print what comes back
  ping           print the round-trip time and the server clock
  help           show this help

The server address comes from config.json ("client" section), MIMI_CLIENT_*
variables or flags such as --client.host=10.0.0.5 --client.tcpPort=8111.`;

/**
 * Runs one terminal-client command.
 *
 * @param config Resolved configuration (the `client` section names the server).
 * @param args Command and its arguments, e.g. `["echo", "你好"]`.
 * @param out Where results go; defaults to stdout.
 * @returns The process exit code: 0 on success, 1 on failure, 2 on bad usage.
 */
export async function runClient(
  config: MimiConfig,
  args: string[],
  out: (line: string) => void = console.log,
): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "help" || command === "--help") {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== "echo" && command !== "ping") {
    console.error(`mimi client: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const { host, tcpPort } = config.client;
  let client: MimiClient | undefined;
  try {
    client = new MimiClient(await connectTcp(host, tcpPort, { maxFrameBytes: config.server.limits.maxFrameBytes }));
    if (command === "echo") {
      const reply = await client.echo(rest.join(" "));
      out(typeof reply === "string" ? reply : JSON.stringify(reply));
    } else {
      const started = performance.now();
      const time = await client.ping();
      out(
        `pong from ${host}:${tcpPort} in ${(performance.now() - started).toFixed(1)} ms, server time ${
          new Date(time).toISOString()
        }`,
      );
    }
    return 0;
  } catch (error) {
    console.error(`mimi client: ${(error as Error).message}`);
    return 1;
  } finally {
    client?.close();
  }
}

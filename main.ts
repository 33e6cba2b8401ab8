// Mimi's single entry point: `serve` (the default) runs the server, `client` the terminal client, `invite` makes codes.

import { ConfigError, findConfigPath, resolveConfig } from "./core/config/mod.ts";
import type { MimiConfig } from "./core/config/schema.ts";
import { runClient } from "./cli/main.ts";
import { createPages, loadBundle } from "./routes/mod.tsx";
import { runInvite } from "./server/invite_command.ts";
import { createLogger } from "./server/log.ts";
import { startServer } from "./server/server.ts";
import { StartupError } from "./server/startup_error.ts";
import { closest } from "./core/config/_suggest.ts";
import { VERSION } from "./core/version.ts";

const USAGE = `Usage: mimi [serve] [--config PATH] [--section.key=value …]
       mimi client <command> [args]   (mimi client help for commands)
       mimi invite [--count N] [--days N]   (single-use invite codes, for server.registration "invite")
       mimi -h | --help | --version`;

/**
 * Reads the configuration: defaults, then the file (`--config PATH`,
 * `MIMI_CONFIG`, or `./config.json` when present), then `MIMI_*` variables,
 * then flags.
 *
 * @param args Command-line arguments.
 * @returns The configuration and the arguments that were not config flags.
 */
export async function loadConfig(args: string[]): Promise<{ config: MimiConfig; rest: string[] }> {
  const env = Deno.env.toObject();
  const found = findConfigPath(args, env);
  const fileName = found.path ?? "config.json";
  let fileText: string | undefined;
  try {
    fileText = await Deno.readTextFile(fileName);
  } catch (error) {
    // Without an explicit path a missing ./config.json means: use the embedded defaults.
    if (!(error instanceof Deno.errors.NotFound) || found.explicit) {
      throw new ConfigError("(file)", `Cannot read config file ${fileName}: ${(error as Error).message}`);
    }
  }
  return resolveConfig({ fileText, fileName, env, args: found.args });
}

/**
 * Runs the server until a signal stops it.
 *
 * @param config The resolved configuration.
 * @returns 2 when the server cannot start (one line on stderr says why), else -1: the process keeps running.
 */
async function serve(config: MimiConfig): Promise<number> {
  const logger = createLogger(config.log.level);
  const bundle = await loadBundle();
  if (!bundle) logger.warn("bundle_missing", { message: "The web client is not built: run deno task build" });
  let server;
  try {
    server = await startServer(config, { logger, http: (page) => createPages(bundle, page) });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    console.error(`mimi: ${error.message}`);
    return 2;
  }
  // A bug in one connection's asynchronous work must not end the process and every other connection with it.
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    const reason = event.reason as Error | undefined;
    logger.error("unhandled_rejection", { error: String(reason), stack: reason?.stack });
  });
  const web = `http${server.tls ? "s" : ""}://${hostForUrl(server.httpAddr.hostname)}:${server.httpAddr.port}/`;
  const tcp = `${hostForUrl(server.tcpAddr.hostname)}:${server.tcpAddr.port}`;
  const { dataDir } = server;
  logger.info("ready", { web, tcp, dataDir, fingerprint: server.fingerprint });
  console.error(
    `Mimi is running.\n  Web client:  ${web}\n  TCP clients: ${tcp}\n  Data:        ${dataDir}\n` +
      `  Fingerprint: ${server.fingerprint}\n  (clients show this on first connection; compare it before you trust it)`,
  );

  // Ctrl-C under `deno task start` delivers SIGINT to the whole process group, often twice: the first signal starts
  // one orderly shutdown, any later one only makes it hurry.
  let signals = 0;
  const stop = (signal: string) => {
    if (++signals > 1) {
      logger.info("shutdown_hurried", { signal });
      server.hurry();
      return;
    }
    logger.info("shutdown", { signal });
    server.close().then(
      () => Deno.exit(0),
      (error) => {
        logger.error("shutdown_failed", { error: String(error), stack: (error as Error).stack });
        Deno.exit(1);
      },
    );
  };
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
  return -1;
}

function hostForUrl(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

async function main(args: string[]): Promise<number> {
  let loaded;
  try {
    loaded = await loadConfig(args);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`mimi: config: ${error.message}`);
    return 2;
  }
  const { config, rest } = loaded;
  const [command = "serve", ...commandArgs] = rest;
  switch (command) {
    case "serve":
      // `deno task start -- --help` arrives as `serve --help`.
      if (commandArgs.length === 1 && ["-h", "--help"].includes(commandArgs[0])) {
        console.log(USAGE);
        return 0;
      }
      if (commandArgs.length === 1 && commandArgs[0] === "--version") {
        console.log(`mimi ${VERSION}`);
        return 0;
      }
      if (commandArgs.length > 0) {
        console.error(`mimi: unexpected argument "${commandArgs[0]}"\n${USAGE}`);
        return 2;
      }
      return await serve(config); // -1: keep running until a signal
    case "client":
      return await runClient(config, commandArgs);
    case "invite":
      return await runInvite(config, commandArgs);
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return 0;
    case "--version":
      console.log(`mimi ${VERSION}`);
      return 0;
    default: {
      const hint = closest(command, ["serve", "client", "help", "--help", "--version"]);
      console.error(
        `mimi: unknown command "${command}"; ${hint ? `did you mean "${hint}"? ` : ""}mimi --help lists them`,
      );
      return 2;
    }
  }
}

/**
 * Drops the `--` that `deno task client -- …` (or `start -- …`, `invite -- …`) passes through, so config
 * flags after it still count: `deno task client -- --client.host=h echo hi`, `deno task start -- --server.tcpPort=9000`.
 */
function withoutTaskSeparator(args: string[]): string[] {
  const at = args.indexOf("--");
  const command = ["client", "invite", "serve"].includes(args[0]);
  return at === 0 || (at === 1 && command) ? args.toSpliced(at, 1) : args;
}

if (import.meta.main) {
  const code = await main(withoutTaskSeparator(Deno.args));
  if (code >= 0) Deno.exit(code);
}

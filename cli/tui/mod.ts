// The interactive mode of the terminal client (`deno task client` with no command): sign in with prompts, then a
// full-screen chat drawn with Ink over the SDK's state store, until /quit or Ctrl+C.

// @ts-types="@types/react"
import React from "react";
import process from "node:process";
import { render } from "ink";
import { HandshakeError, type MimiConnection } from "../../core/client/mod.ts";
import type { MimiConfig } from "../../core/config/schema.ts";
import { expandHome } from "../known_servers.ts";
import { PromptError } from "../prompt.ts";
import { App } from "./app.ts";
import { openConnection, serverAddress } from "./connection.ts";
import { ImageSaver } from "./images.ts";
import { signIn } from "./login.ts";

/** Options of {@link runInteractive}. */
export interface InteractiveOptions {
  /** The resolved configuration: which server, the client's files, `client.sendKey`, `client.downloadsDir`. */
  config: MimiConfig;
  /** Where lines go before and after the screen (default stderr). */
  say?: (line: string) => void;
}

/** Exit codes, as the scriptable commands use them. */
const EXIT = { ok: 0, usage: 2, connection: 3 } as const;

/**
 * Runs the interactive mode in this terminal.
 *
 * @param options The configuration.
 * @returns The exit code: 0 after /quit or Ctrl+C, 1 after refused logins, 2 without a terminal, 3 when the server
 *   cannot be reached or its key changed, 130 after Ctrl-C at a prompt.
 *
 * @example
 * ```ts ignore
 * import { runInteractive } from "./cli/tui/mod.ts";
 * Deno.exit(await runInteractive({ config }));
 * ```
 */
export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const say = options.say ?? ((line: string) => console.error(line));
  const { config } = options;
  if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) {
    say("mimi client: the interactive mode needs a terminal; scripts use commands: deno task client -- --help");
    return EXIT.usage;
  }
  const server = serverAddress(config);
  let connection: MimiConnection | undefined;
  let screenUp = false;
  try {
    // Until the screen is up, failures that belong to no call are worth a line; after, the status line shows them.
    connection = await openConnection(config, say, (error) => {
      if (!screenUp) say(`mimi client: ${error instanceof Error ? error.message : String(error)}`);
    });
    say(`Connecting to ${server}…`);
    const failure = await firstOutcome(connection);
    if (failure !== undefined) {
      say(`mimi client: ${failure}`);
      return EXIT.connection;
    }
    if (!await signIn(connection, server, say)) return 1;
    screenUp = true;
    await showScreen(connection, config);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof PromptError) {
      say(`mimi client: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  } finally {
    await connection?.close();
  }
}

/** Waits for the first attempt: undefined once open, else why it failed (no server, a changed key). */
function firstOutcome(connection: MimiConnection): Promise<string | undefined> {
  return new Promise((resolve) => {
    const check = () => {
      const status = connection.getSnapshot().connection.status;
      if (status.state === "open") finish(undefined);
      else if (status.state === "retrying") finish(`cannot reach the server: ${status.error?.message ?? "failed"}`);
      else if (status.state === "closed") {
        const error = status.error;
        const refused = error instanceof HandshakeError && error.kind === "key_changed" ? "Refused: " : "";
        finish(error ? refused + error.message : "the connection closed");
      } else if (status.state === "kicked") finish("signed out by the server");
    };
    const off = connection.subscribe(check);
    const finish = (outcome: string | undefined) => {
      off();
      resolve(outcome);
    };
    check();
  });
}

/** Draws the screen until the user leaves. */
async function showScreen(connection: MimiConnection, config: MimiConfig): Promise<void> {
  // Deno's process.stdout keeps the size it had at start and emits no "resize"; Ink redraws on that event, so the
  // window's size change (SIGWINCH) is passed on here with the size the terminal reports now.
  const stdout = process.stdout as typeof process.stdout & { columns: number; rows: number };
  const onWinch = () => {
    const { columns, rows } = Deno.consoleSize();
    stdout.columns = columns;
    stdout.rows = rows;
    stdout.emit("resize");
  };
  onWinch();
  Deno.addSignalListener("SIGWINCH", onWinch);
  const color = Deno.env.get("NO_COLOR") === undefined || Deno.env.get("NO_COLOR") === "";
  let bump = () => {};
  const images = new ImageSaver(connection, expandHome(config.client.downloadsDir), () => bump());
  function Root(): React.ReactElement {
    const [version, setVersion] = React.useState(0);
    bump = () => setVersion((v) => v + 1);
    return React.createElement(App, {
      connection,
      sendKey: config.client.sendKey,
      color,
      images,
      imagesVersion: version,
      readFile: (path: string) => Deno.readFile(expandHome(path)),
    });
  }
  const instance = render(React.createElement(Root), {
    exitOnCtrlC: false,
    alternateScreen: true,
    patchConsole: false,
  });
  try {
    await instance.waitUntilExit();
  } finally {
    Deno.removeSignalListener("SIGWINCH", onWinch);
    instance.unmount();
  }
}

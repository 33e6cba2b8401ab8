// A real pseudo-terminal for tests: one tmux server per session on its own socket, driven with send-keys and read
// back with capture-pane, as a user at a terminal would type and see.

/** Why the terminal tests cannot run here, or `undefined` when tmux is available. */
export const TMUX_MISSING: string | undefined = await tmuxMissing();

async function tmuxMissing(): Promise<string | undefined> {
  try {
    const { success } = await new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).output();
    return success ? undefined : "tmux -V failed";
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return "tmux is not installed (Debian package tmux; CI installs it)";
  }
}

/** How long to wait for the screen to show something; generous, since a loaded CI machine may be slow. */
const WAIT_MS = 60_000;
/** How often the screen is read while waiting. */
const POLL_MS = 50;

/** One detached tmux session of 80x24 running a shell command. */
export class TerminalSession {
  readonly #socket: string;
  /** The socket file, which tmux leaves behind when its server ends. */
  #socketPath = "";

  private constructor(socket: string) {
    this.#socket = socket;
  }

  /**
   * Starts `command` (a POSIX shell command line) in a new 80x24 terminal.
   *
   * @param command The command; it should keep the pane open after what it tests has ended (e.g. end in a long
   *   `sleep`) so that the screen can still be read.
   * @returns The session; call {@linkcode TerminalSession.close} in a `finally`.
   */
  static async start(command: string): Promise<TerminalSession> {
    const session = new TerminalSession(`mimi-test-${crypto.randomUUID().slice(0, 8)}`);
    // -u: the pane shows UTF-8 whatever the test's locale; -f /dev/null: no user configuration.
    await session.#tmux(["-u", "-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "80", "-y", "24", command]);
    session.#socketPath = (await session.#tmux(["display-message", "-p", "#{socket_path}"])).trim();
    return session;
  }

  /** Types `text` literally, as UTF-8. */
  async type(text: string): Promise<void> {
    await this.#tmux(["send-keys", "-t", "t", "-l", text]);
  }

  /** Presses keys by tmux name, e.g. `Enter`, `BSpace`, `C-c`, `C-d`. */
  async press(...keys: string[]): Promise<void> {
    await this.#tmux(["send-keys", "-t", "t", ...keys]);
  }

  /** Resizes the terminal, as a user dragging the window's corner does: the program gets SIGWINCH. */
  async resize(columns: number, rows: number): Promise<void> {
    await this.#tmux(["resize-window", "-t", "t", "-x", String(columns), "-y", String(rows)]);
  }

  /**
   * The screen and its scrollback, wrapped lines joined.
   *
   * @param escapes Whether to keep the colours and attributes as ANSI escapes (`capture-pane -e`).
   */
  async screen(escapes = false): Promise<string> {
    return await this.#tmux(["capture-pane", "-p", "-J", ...(escapes ? ["-e"] : []), "-S", "-", "-t", "t"]);
  }

  /**
   * Waits until the screen satisfies `done`.
   *
   * @param done A test of the whole screen.
   * @param what Named in the error when the wait times out.
   * @returns The screen that satisfied it.
   */
  async waitFor(done: (screen: string) => boolean, what: string): Promise<string> {
    const until = Date.now() + WAIT_MS;
    while (true) {
      const screen = await this.screen();
      if (done(screen)) return screen;
      if (Date.now() > until) throw new Error(`Timed out waiting for ${what}; the screen shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Ends the tmux server and with it every process in the terminal, and removes its socket file. */
  async close(): Promise<void> {
    // The status is not checked: failing means the server is gone already, and then nothing is left to end.
    await new Deno.Command("tmux", { args: ["-L", this.#socket, "kill-server"], stdout: "null", stderr: "null" })
      .output();
    if (!this.#socketPath) return;
    try {
      await Deno.remove(this.#socketPath);
    } catch (error) {
      // A tmux that removes its own socket on exit leaves nothing to remove.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }

  async #tmux(args: string[]): Promise<string> {
    const output = await new Deno.Command("tmux", {
      args: ["-L", this.#socket, ...args],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    if (!output.success) throw new Error(`tmux ${args[0]} failed: ${decode(output.stderr).trim()}`);
    return decode(output.stdout);
  }
}

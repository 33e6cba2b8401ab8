// Trust on first use: the terminal client's pinned server fingerprints, one `host:port fingerprint` per line.

/** The pins in one file. */
export class KnownServers {
  readonly path: string;
  readonly #pins: Map<string, string>;

  private constructor(path: string, pins: Map<string, string>) {
    this.path = path;
    this.#pins = pins;
  }

  /**
   * Reads the file; a missing file is an empty list.
   *
   * @param path The file (`~` already expanded).
   * @returns The pins.
   */
  static async load(path: string): Promise<KnownServers> {
    const pins = new Map<string, string>();
    let text = "";
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    for (const line of text.split("\n")) {
      const trimmed = line.trim();
      if (trimmed === "" || trimmed.startsWith("#")) continue;
      const [address, fingerprint] = trimmed.split(/\s+/);
      if (address && fingerprint) pins.set(address, fingerprint);
    }
    return new KnownServers(path, pins);
  }

  /** The pinned fingerprint of `address` (`host:port`), if any. */
  get(address: string): string | undefined {
    return this.#pins.get(address);
  }

  /** Pins `fingerprint` for `address` and saves the file (mode 0600). */
  async pin(address: string, fingerprint: string): Promise<void> {
    this.#pins.set(address, fingerprint);
    await this.#save();
  }

  /** Forgets `address`; returns whether it was pinned. */
  async forget(address: string): Promise<boolean> {
    const had = this.#pins.delete(address);
    if (had) await this.#save();
    return had;
  }

  async #save(): Promise<void> {
    const dir = this.path.replace(/[/\\][^/\\]*$/, "");
    // Owner-only, as the device keys that may live beside it: a directory made here is 0700.
    if (dir && dir !== this.path) await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const lines = ["# Mimi known servers: host:port fingerprint (see `mimi client forget`)"];
    for (const [address, fingerprint] of this.#pins) lines.push(`${address} ${fingerprint}`);
    await Deno.writeTextFile(this.path, lines.join("\n") + "\n", { mode: 0o600 });
  }
}

/**
 * Expands a leading `~` to the home directory.
 *
 * @param path A path from the config.
 * @returns The path to open.
 */
export function expandHome(path: string): string {
  if (path !== "~" && !path.startsWith("~/")) return path;
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  if (!home) throw new Error(`Cannot expand ${path}: HOME is not set`);
  return home + path.slice(1);
}

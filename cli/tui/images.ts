// Received images saved to the downloads folder: each downloaded once, on first sight, under a name made from its
// hash, and the path (or how the download went) kept for the screen to show.

import { hex } from "../../core/bytes/hex.ts";
import type { ImageBody, MimiConnection } from "../../core/client/mod.ts";

const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
};

/**
 * Saves received images to a folder and says where.
 *
 * @example
 * ```ts ignore
 * import { ImageSaver } from "./images.ts";
 * const saver = new ImageSaver(connection, "/home/me/.mimi/downloads", () => redraw());
 * saver.note(message.body); // "downloading…", then after `onChange`: "saved: /home/me/.mimi/downloads/ab12….png"
 * ```
 */
export class ImageSaver {
  readonly #connection: Pick<MimiConnection, "downloadBlob">;
  readonly #dir: string;
  readonly #onChange: () => void;
  readonly #notes = new Map<string, string>();

  /**
   * @param connection Where blobs are downloaded from.
   * @param dir The downloads folder, created when the first image is saved.
   * @param onChange Called when a note changes (a download finished or failed), so the screen redraws.
   */
  constructor(connection: Pick<MimiConnection, "downloadBlob">, dir: string, onChange: () => void) {
    this.#connection = connection;
    this.#dir = dir;
    this.#onChange = onChange;
  }

  /**
   * What to show beside an image: starts its download the first time it is asked.
   *
   * @param body The image message's body.
   * @returns "downloading…", "saved: PATH" or "not saved: REASON".
   */
  note(body: ImageBody): string {
    // 16 hex digits (64 bits of the SHA-256) tell images apart and keep the path short enough to show whole.
    const name = `${hex(body.blob).slice(0, 16)}.${EXTENSIONS[body.mime] ?? "bin"}`;
    const known = this.#notes.get(name);
    if (known !== undefined) return known;
    this.#notes.set(name, "downloading…");
    void this.#save(body, name);
    return "downloading…";
  }

  /** The path an image is saved under. */
  pathOf(name: string): string {
    return `${this.#dir.replace(/\/+$/, "")}/${name}`;
  }

  async #save(body: ImageBody, name: string): Promise<void> {
    const path = this.pathOf(name);
    try {
      const bytes = await this.#connection.downloadBlob(body.blob);
      await Deno.mkdir(this.#dir, { recursive: true });
      await Deno.writeFile(path, bytes);
      this.#notes.set(name, `saved: ${path}`);
    } catch (error) {
      // Nobody awaits a download: its failure is shown beside the image, where the user looks for it.
      this.#notes.set(name, `not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.#onChange();
  }
}

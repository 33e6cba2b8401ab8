// `save-image <conversation> <seq> [path]`: downloads an image message's bytes, checked against its hash.

import { hex } from "../../core/bytes/hex.ts";
import { OPS } from "../../core/client/mod.ts";
import { withSignedIn } from "../connection.ts";
import { UsageError } from "../exit_codes.ts";
import { expandHome } from "../known_servers.ts";
import { type Command, expectArguments, printJson } from "./command.ts";
import { conversationNamed } from "./target.ts";

const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
};

/**
 * The file an image is saved to without a path: in the downloads folder, named by its hash, so the same image saved
 * twice is one file.
 *
 * @param downloadsDir `client.downloadsDir`, `~` expanded.
 * @param sha256 The image's blob hash.
 * @param mime Its type.
 * @returns The path.
 *
 * @example
 * ```ts
 * import { defaultImagePath } from "./save_image.ts";
 * defaultImagePath("/home/a/Downloads/mimi", new Uint8Array(32), "image/png");
 * // "/home/a/Downloads/mimi/0000000000000000.png"
 * ```
 */
export function defaultImagePath(downloadsDir: string, sha256: Uint8Array, mime: string): string {
  return `${downloadsDir.replace(/\/+$/, "")}/${hex(sha256).slice(0, 16)}.${EXTENSIONS[mime] ?? "bin"}`;
}

/** Saves an image message: `--json` prints `{ path, blob, mime, size }`. */
export const saveImage: Command = (context, args) => {
  expectArguments("save-image", "<conversation> <seq> [path]", args, 2, 3);
  const [name, seqText, path] = args;
  const seq = /^\d+$/.test(seqText) ? Number(seqText) : NaN;
  if (!(Number.isSafeInteger(seq) && seq >= 1)) {
    throw new UsageError(`the message number is a whole number from 1 (history shows them as #N), got "${seqText}"`);
  }
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const target = await conversationNamed(connection, name);
    const page = await connection.call(OPS.history, {
      conversationId: target.conversationId,
      after: seq - 1,
      limit: 1,
    });
    const message = page.messages.find((m) => m.seq === seq);
    if (!message) throw new UsageError(`${target.title} has no message #${seq} you can see`);
    if (message.body.type !== "image") throw new UsageError(`message #${seq} is a ${message.body.type}, not an image`);
    const { blob, mime } = message.body;
    const bytes = await connection.downloadBlob(blob);
    const file = path ?? defaultImagePath(expandHome(context.config.client.downloadsDir), blob, mime);
    if (path === undefined) await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(file, bytes);
    if (context.json) {
      printJson(context.io, { path: file, blob: hex(blob), mime, size: bytes.length });
      return;
    }
    context.io.out(`Saved ${mime} (${bytes.length} bytes) to ${file}`);
  });
};

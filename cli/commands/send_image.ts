// `send-image <conversation> <path>`: uploads an image file and sends it.

import { checkImage } from "../../core/client/mod.ts";
import { hex } from "../../core/bytes/hex.ts";
import { withSignedIn } from "../connection.ts";
import { UsageError } from "../exit_codes.ts";
import { oneLine } from "../io.ts";
import { type Command, expectArguments, printJson } from "./command.ts";
import { conversationNamed } from "./target.ts";

/**
 * Sends a PNG, JPEG, GIF or WebP file: `--json` prints `{ conversationId, seq, at, blob, mime, width, height, size }`
 * (`blob`: the SHA-256 in hex, as `history` shows it).
 */
export const sendImage: Command = async (context, args) => {
  expectArguments("send-image", "<conversation> <path>", args, 2);
  const [name, path] = args;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${oneLine(error)}`, { cause: error });
  }
  try {
    checkImage(bytes);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new UsageError(`${path} is not an image Mimi sends: ${error.message}`, { cause: error });
  }
  return await withSignedIn(context.config, context.io, context.user, async (connection) => {
    const target = await conversationNamed(connection, name);
    const message = await connection.sendImage(target.conversationId, bytes).done;
    if (message.body.type !== "image") throw new TypeError("The server answered the image as another kind of message");
    const { blob, mime, width, height, size } = message.body;
    if (context.json) {
      printJson(context.io, {
        conversationId: message.conversationId,
        seq: message.seq,
        at: new Date(message.at).toISOString(),
        blob: hex(blob),
        mime,
        width,
        height,
        size,
      });
      return;
    }
    context.io.out(`Sent ${mime} ${width}×${height} (${size} bytes) to ${target.title} (#${message.seq}).`);
  });
};

// `send <conversation> <text…>`: sends a text; `-` reads it from standard input, every line of it.

import { withSignedIn } from "../connection.ts";
import { UsageError } from "../exit_codes.ts";
import { type Command, expectArguments, printJson } from "./command.ts";
import { conversationNamed } from "./target.ts";

/**
 * Sends a text, which the server has stored once this prints: `--json` prints `{ conversationId, seq, at }`. With `-`
 * the text is the rest of standard input (after the password's line, when one is read from there), without its final
 * line break.
 */
export const send: Command = async (context, args) => {
  expectArguments("send", "<conversation> <text…>", args, 2, Infinity);
  const [name, ...words] = args;
  const fromStdin = words.length === 1 && words[0] === "-";
  let text = fromStdin ? undefined : words.join(" ");
  return await withSignedIn(context.config, context.io, context.user, async (connection) => {
    // Read once signed in: a password from standard input comes first, on its own line.
    text ??= (await new Response(Deno.stdin.readable).text()).replace(/\r?\n$/, "");
    if (text.trim() === "") throw new UsageError("the text is empty; nothing was sent");
    const target = await conversationNamed(connection, name);
    const message = await connection.sendText(target.conversationId, text).done;
    if (context.json) {
      printJson(context.io, {
        conversationId: message.conversationId,
        seq: message.seq,
        at: new Date(message.at).toISOString(),
      });
      return;
    }
    context.io.out(`Sent to ${target.title} (#${message.seq}).`);
  });
};

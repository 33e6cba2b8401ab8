// `recall <conversation> <seq>`: takes one of your messages back within the server's window.

import { withSignedIn } from "../connection.ts";
import { UsageError } from "../exit_codes.ts";
import { type Command, expectArguments, printJson } from "./command.ts";
import { conversationNamed } from "./target.ts";

/**
 * Recalls message `seq` (its `#` in history): it keeps its place and shows as recalled to everyone. `--json` prints
 * `{ conversationId, seq, recalledAt }`. Someone else's message, or one past the window, is the server's refusal.
 */
export const recall: Command = (context, args) => {
  expectArguments("recall", "<conversation> <seq>", args, 2);
  const seq = /^#?(\d+)$/.exec(args[1]);
  if (!seq || Number(seq[1]) < 1) {
    throw new UsageError(`<seq> is a message's number as history shows it, got "${args[1]}"`);
  }
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const target = await conversationNamed(connection, args[0]);
    const message = await connection.recall(target.conversationId, Number(seq[1]));
    const at = new Date(message.recalledAt ?? Date.now()).toISOString();
    if (context.json) {
      printJson(context.io, { conversationId: message.conversationId, seq: message.seq, recalledAt: at });
      return;
    }
    context.io.out(`Recalled #${message.seq} in ${target.title}; it shows as recalled to everyone.`);
  });
};

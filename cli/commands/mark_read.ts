// `read <conversation>`: marks a conversation read up to its newest message, without printing it.

import { OPS } from "../../core/client/mod.ts";
import { withSignedIn } from "../connection.ts";
import { UsageError } from "../exit_codes.ts";
import { type Command, expectArguments, printJson } from "./command.ts";
import { conversationNamed } from "./target.ts";

/** Marks a conversation read: `--json` prints `{ conversationId, readSeq }`. The lobby keeps no read position. */
export const markRead: Command = (context, args) => {
  expectArguments("read", "<conversation>", args, 1);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const target = await conversationNamed(connection, args[0]);
    if (target.kind === "lobby") throw new UsageError("the lobby has no unread count, so nothing to mark read");
    // Asked afresh rather than read from the login's state: a message may have come in since.
    const { conversations } = await connection.call(OPS.sync, {});
    const newest = conversations.find((c) => c.id === target.conversationId)?.lastSeq ?? 0;
    const readSeq = await connection.markRead(target.conversationId, newest);
    if (context.json) {
      printJson(context.io, { conversationId: target.conversationId, readSeq });
      return;
    }
    context.io.out(`Marked ${target.title} read up to #${readSeq}.`);
  });
};

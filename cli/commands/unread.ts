// `unread`: how many messages from others wait in each conversation, as the server counts them.

import { OPS } from "../../core/client/mod.ts";
import { withSignedIn } from "../connection.ts";
import { conversationHandle } from "../conversation_names.ts";
import { formatTable } from "../table.ts";
import { type Command, expectArguments, printJson } from "./command.ts";

/**
 * Lists conversations with unread messages: `--json` prints `{ total, conversations: [{ id, kind, title, handle,
 * unread, lastSeq, readSeq }] }` with every conversation, unread or not.
 */
export const unread: Command = (context, args) => {
  expectArguments("unread", "[--json]", args, 0);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    // Asked afresh rather than read from the login's state: this is the server's count at this moment.
    const { conversations } = await connection.call(OPS.sync, {});
    const list = conversations.map((c) => ({
      id: c.id,
      kind: c.kind,
      title: c.title,
      handle: conversationHandle(c),
      unread: c.unread,
      lastSeq: c.lastSeq,
      readSeq: c.readSeq,
    }));
    const total = list.reduce((sum, c) => sum + c.unread, 0);
    if (context.json) {
      printJson(context.io, { total, conversations: list });
      return;
    }
    const waiting = list.filter((c) => c.unread > 0);
    if (waiting.length === 0) context.io.out("No unread messages.");
    for (const line of formatTable(waiting.map((c) => [String(c.unread), c.title, c.handle]))) context.io.out(line);
  });
};

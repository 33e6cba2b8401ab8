// `history <conversation> [--before N] [--limit N]`: a page of a conversation's messages, oldest first.

import { MAX_HISTORY } from "../../core/protocol/ops/messages.ts";
import { type Message, OPS, type UserRef } from "../../core/client/mod.ts";
import { noOtherOptions, takeCount, takeFlag } from "../args.ts";
import { withSignedIn } from "../connection.ts";
import { messageJson, messageLines } from "../message_view.ts";
import { type Command, expectArguments, knownUsers, me, printJson } from "./command.ts";
import { conversationNamed } from "./target.ts";

/** Messages a page holds unless `--limit` says otherwise. */
export const DEFAULT_PAGE = 20;

/**
 * Prints the newest page, or the page before `--before N`, and marks what it showed as read (`--keep-unread` does
 * not). `--json` prints `{ conversation: { id, kind, title, handle }, messages: [MessageJson…], hasMore, before }`,
 * where `before` is the `--before` that pages further back (null when nothing older remains).
 */
export const history: Command = (context, args) => {
  const before = takeCount(args, "--before");
  const limit = takeCount(before.rest, "--limit", MAX_HISTORY);
  const keep = takeFlag(limit.rest, "--keep-unread");
  noOtherOptions("history", keep.rest);
  expectArguments("history", "<conversation> [--before N] [--limit N]", keep.rest, 1);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const target = await conversationNamed(connection, keep.rest[0]);
    const page = await connection.call(OPS.history, {
      conversationId: target.conversationId,
      before: before.value ?? null,
      limit: limit.value ?? DEFAULT_PAGE,
    });
    const names: Record<number, UserRef> = knownUsers(connection.getSnapshot(), me(connection), page.users);
    if (target.kind === "room" && target.roomId !== null) {
      for (const { user } of (await connection.roomMembers(target.roomId)).members) names[user.id] ??= user;
    }
    const newest = page.messages.at(-1);
    if (newest && !keep.present) await connection.markRead(target.conversationId, newest.seq);
    const older = page.hasMore && page.messages.length > 0 ? page.messages[0].seq : null;
    if (context.json) {
      const { conversationId: id, kind, title, handle } = target;
      printJson(context.io, {
        conversation: { id, kind, title, handle },
        messages: page.messages.map((m: Message) => messageJson(m, names)),
        hasMore: page.hasMore,
        before: older,
      });
      return;
    }
    if (page.messages.length === 0) context.io.out(`No messages with ${target.title} yet.`);
    for (const message of page.messages) for (const line of messageLines(message, names)) context.io.out(line);
    if (older !== null) context.io.err(`Older messages: history ${target.handle} --before ${older}`);
  });
};

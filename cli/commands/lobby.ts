// `lobby`: the lobby's recent messages, oldest first, and how many users are online.

import { MAX_HISTORY } from "../../core/protocol/ops/messages.ts";
import { type Message, OPS } from "../../core/client/mod.ts";
import { noOtherOptions, takeCount } from "../args.ts";
import { withSignedIn } from "../connection.ts";
import { NothingToActOnError } from "../exit_codes.ts";
import { messageJson, messageLines } from "../message_view.ts";
import { type Command, expectArguments, knownUsers, me, printJson } from "./command.ts";
import { DEFAULT_PAGE } from "./history.ts";

/**
 * Prints the newest lobby messages (`--limit`, `--before` as for history) after a line with the online count.
 * `--json` prints `{ room: { id, name }, onlineCount, messages: [MessageJson…], hasMore, before }`. Senders who are
 * neither you nor a friend show as `user <id>`: the lobby answers no member list.
 */
export const lobby: Command = (context, args) => {
  const before = takeCount(args, "--before");
  const limit = takeCount(before.rest, "--limit", MAX_HISTORY);
  noOtherOptions("lobby", limit.rest);
  expectArguments("lobby", "[--limit N] [--before N]", limit.rest, 0);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const room = connection.getSnapshot().rooms.find((r) => r.kind === "lobby");
    if (!room) throw new NothingToActOnError("this server has no lobby");
    const { onlineCount } = await connection.roomMembers(room.id);
    const page = await connection.call(OPS.history, {
      conversationId: room.conversationId,
      before: before.value ?? null,
      limit: limit.value ?? DEFAULT_PAGE,
    });
    const names = knownUsers(connection.getSnapshot(), me(connection), page.users);
    const older = page.hasMore && page.messages.length > 0 ? page.messages[0].seq : null;
    if (context.json) {
      printJson(context.io, {
        room: { id: room.id, name: room.name },
        onlineCount,
        messages: page.messages.map((m: Message) => messageJson(m, names)),
        hasMore: page.hasMore,
        before: older,
      });
      return;
    }
    context.io.out(`${room.name}: ${onlineCount} online`);
    if (page.messages.length === 0) context.io.out("No messages in the lobby yet; write with: send lobby <text>");
    for (const message of page.messages) for (const line of messageLines(message, names)) context.io.out(line);
    if (older !== null) context.io.err(`Older messages: lobby --before ${older}`);
  });
};

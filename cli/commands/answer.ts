// `accept`, `reject` and `later <user>`: answering a friend request.

import { withSignedIn } from "../connection.ts";
import { EXIT } from "../exit_codes.ts";
import { type Command, expectArguments, printJson } from "./command.ts";

/**
 * The command for one answer: `--json` prints `{ requestId, from, status, conversationId }` (the conversation on
 * accept, else null).
 *
 * @param answer `accept`, `reject` or `later`.
 * @returns The command.
 */
export function answerCommand(answer: "accept" | "reject" | "later"): Command {
  return (context, args) => {
    expectArguments(answer, "<user>", args, 1);
    const wanted = args[0].replace(/^@/, "").toLowerCase();
    return withSignedIn(context.config, context.io, context.user, async (connection) => {
      const request = connection.getSnapshot().friendRequests.find((r) => r.from?.username.toLowerCase() === wanted);
      if (!request) {
        context.io.err(`mimi client: no friend request from ${args[0]}; "requests" lists them`);
        return EXIT.refused;
      }
      const result = await connection.answerFriendRequest(request.id, answer);
      const from = request.from!;
      if (context.json) {
        printJson(context.io, {
          requestId: request.id,
          from,
          status: result.request.status,
          conversationId: result.conversationId ?? null,
        });
        return;
      }
      const said = {
        accept: `You and ${from.nickname} (${from.username}) are friends now; write with: send ${from.username} <text>`,
        reject: `Rejected the request from ${from.nickname} (${from.username}).`,
        later: `The request from ${from.nickname} (${from.username}) waits; it is asked again at your next login.`,
      };
      context.io.out(said[answer]);
    });
  };
}

// `add <user> [note…]`: asks a user to be friends.

import { withSignedIn } from "../connection.ts";
import { type Command, expectArguments, printJson } from "./command.ts";

/** Sends a friend request: `--json` prints `{ requestId, to: { id, username, nickname }, status }`. */
export const add: Command = (context, args) => {
  expectArguments("add", "<user> [note…]", args, 1, Infinity);
  const [name, ...noteWords] = args;
  const note = noteWords.join(" ");
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const user = await connection.findUser(name.replace(/^@/, ""));
    const request = await connection.sendFriendRequest(user.id, note === "" ? undefined : note);
    if (context.json) {
      printJson(context.io, { requestId: request.id, to: user, status: request.status });
      return;
    }
    context.io.out(
      request.status === "accepted"
        ? `${user.nickname} (${user.username}) had asked you first: you are friends now.`
        : `Asked ${user.nickname} (${user.username}) to be friends; they see it under "requests".`,
    );
  });
};

// `find`, `remove-friend`, `block`, `unblock` and `blocked`: looking a user up, and ending friendships and blocks.

import type { MimiConnection, UserRef } from "../../core/client/mod.ts";
import { withSignedIn } from "../connection.ts";
import { NothingToActOnError } from "../exit_codes.ts";
import { formatTable } from "../table.ts";
import { type Command, expectArguments, me, printJson } from "./command.ts";

/** How the signed-in user stands with another, as `find` reports it. */
export type Relation = "you" | "friend" | "blocked" | "asked you" | "none";

/** A username as typed, without the `@` that may mark it as a user's. */
export function bareUsername(name: string): string {
  return name.replace(/^@/, "");
}

/**
 * Looks a user up: `--json` prints `{ id, username, nickname, relation }`, relation one of `you`, `friend`,
 * `blocked` (by you), `asked you` (a request waits) or `none`. No such user (or one who blocked you) exits 1.
 */
export const find: Command = (context, args) => {
  expectArguments("find", "<user>", args, 1);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const user = await connection.findUser(bareUsername(args[0]));
    await connection.listBlocked();
    const relation = relationTo(connection, user);
    if (context.json) {
      printJson(context.io, { ...user, relation });
      return;
    }
    const said: Record<Relation, string> = {
      you: "that is you",
      friend: `your friend; write with: send ${user.username} <text>`,
      blocked: `blocked by you; unblock ${user.username} lifts it`,
      "asked you": `asked to be your friend; answer with: accept ${user.username}`,
      none: `not your friend; ask with: add ${user.username}`,
    };
    context.io.out(`${user.nickname} (${user.username}), user ${user.id}: ${said[relation]}`);
  });
};

function relationTo(connection: MimiConnection, user: UserRef): Relation {
  const state = connection.getSnapshot();
  if (user.id === me(connection).id) return "you";
  if (state.contacts.some((c) => c.id === user.id)) return "friend";
  if (state.blocked.some((b) => b.id === user.id)) return "blocked";
  if (state.friendRequests.some((r) => r.from?.id === user.id)) return "asked you";
  return "none";
}

/**
 * Ends a friendship, for both: `--json` prints `{ removed: { id, username, nickname } }`. Someone who is not a friend
 * exits 1.
 */
export const removeFriend: Command = (context, args) => {
  expectArguments("remove-friend", "<user>", args, 1);
  const wanted = bareUsername(args[0]).toLowerCase();
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const friend = connection.getSnapshot().contacts.find((c) => c.username.toLowerCase() === wanted);
    if (!friend) throw new NothingToActOnError(`${args[0]} is not your friend; "contacts" lists your friends`);
    await connection.removeFriend(friend.id);
    const { id, username, nickname } = friend;
    if (context.json) {
      printJson(context.io, { removed: { id, username, nickname } });
      return;
    }
    context.io.out(`${nickname} (${username}) is no longer your friend; your messages stay in your history.`);
  });
};

/**
 * Blocks a user, ending any friendship: they can no longer find you, write to you or ask you to be friends.
 * `--json` prints `{ blocked: { id, username, nickname } }`.
 */
export const block: Command = (context, args) => {
  expectArguments("block", "<user>", args, 1);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const user = await connection.findUser(bareUsername(args[0]));
    await connection.blockUser(user.id);
    if (context.json) {
      printJson(context.io, { blocked: user });
      return;
    }
    context.io.out(`Blocked ${user.nickname} (${user.username}); unblock ${user.username} lifts it.`);
  });
};

/**
 * Lifts a block (the friendship it ended does not come back): `--json` prints `{ unblocked: { id, username,
 * nickname } }`. Someone not blocked exits 1.
 */
export const unblock: Command = (context, args) => {
  expectArguments("unblock", "<user>", args, 1);
  const wanted = bareUsername(args[0]).toLowerCase();
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    await connection.listBlocked();
    const user = connection.getSnapshot().blocked.find((b) => b.username.toLowerCase() === wanted);
    if (!user) throw new NothingToActOnError(`you have not blocked ${args[0]}; "blocked" lists whom you have`);
    await connection.unblockUser(user.id);
    const { id, username, nickname } = user;
    if (context.json) {
      printJson(context.io, { unblocked: { id, username, nickname } });
      return;
    }
    context.io.out(`Unblocked ${nickname} (${username}); to be friends again, ask with: add ${username}`);
  });
};

/** Lists the users you blocked, newest first: `--json` prints `{ blocked: [{ id, username, nickname, blockedAt }] }`. */
export const blocked: Command = (context, args) => {
  expectArguments("blocked", "[--json]", args, 0);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    await connection.listBlocked();
    const list = connection.getSnapshot().blocked;
    if (context.json) {
      printJson(context.io, {
        blocked: list.map(({ id, username, nickname, blockedAt }) => ({
          id,
          username,
          nickname,
          blockedAt: new Date(blockedAt).toISOString(),
        })),
      });
      return;
    }
    if (list.length === 0) context.io.out("You have blocked no one.");
    const rows = list.map((b) => [b.nickname, b.username, `blocked ${new Date(b.blockedAt).toLocaleString()}`]);
    for (const line of formatTable(rows)) context.io.out(line);
  });
};

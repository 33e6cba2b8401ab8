// `contacts`: the user's friends, online first, with when each was last seen.

import { sortContacts } from "../../core/client/mod.ts";
import { withSignedIn } from "../connection.ts";
import { formatTable } from "../table.ts";
import { type Command, expectArguments, printJson } from "./command.ts";

/** Lists friends: `--json` prints `{ contacts: [{ id, username, nickname, online, lastSeenAt }] }`. */
export const contacts: Command = (context, args) => {
  expectArguments("contacts", "[--json]", args, 0);
  return withSignedIn(context.config, context.io, context.user, (connection) => {
    const list = sortContacts(connection.getSnapshot().contacts);
    if (context.json) {
      printJson(context.io, {
        contacts: list.map(({ id, username, nickname, online, lastSeenAt }) => ({
          id,
          username,
          nickname,
          online,
          lastSeenAt: lastSeenAt === null ? null : new Date(lastSeenAt).toISOString(),
        })),
      });
      return Promise.resolve();
    }
    if (list.length === 0) context.io.out("No friends yet; ask someone with: add <user>");
    const seen = (at: number | null, online: boolean) =>
      online ? "online" : at ? `last seen ${new Date(at).toLocaleString()}` : "offline";
    for (const line of formatTable(list.map((f) => [f.nickname, f.username, seen(f.lastSeenAt, f.online)]))) {
      context.io.out(line);
    }
    return Promise.resolve();
  });
};

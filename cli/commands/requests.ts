// `requests`: the friend requests to the user that wait for an answer.

import { withSignedIn } from "../connection.ts";
import { formatTable } from "../table.ts";
import { type Command, expectArguments, printJson } from "./command.ts";

/**
 * Lists open requests: `--json` prints `{ requests: [{ id, from: { id, username, nickname } | null, note, status,
 * createdAt }] }`.
 */
export const requests: Command = (context, args) => {
  expectArguments("requests", "[--json]", args, 0);
  return withSignedIn(context.config, context.io, context.user, (connection) => {
    const list = connection.getSnapshot().friendRequests;
    if (context.json) {
      printJson(context.io, {
        requests: list.map(({ id, from, note, status, createdAt }) => ({
          id,
          from,
          note,
          status,
          createdAt: new Date(createdAt).toISOString(),
        })),
      });
      return Promise.resolve();
    }
    if (list.length === 0) context.io.out("No friend requests.");
    const rows = list.map((r) => [
      r.from?.nickname ?? "(gone)",
      r.from?.username ?? "",
      r.status === "deferred" ? "later" : r.status,
      r.note ?? "",
    ]);
    for (const line of formatTable(rows)) context.io.out(line);
    if (list.length > 0) context.io.err("Answer with: accept <user>, reject <user> or later <user>");
    return Promise.resolve();
  });
};

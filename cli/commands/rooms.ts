// `rooms`: the rooms the user is in, the lobby first.

import { withSignedIn } from "../connection.ts";
import { formatTable } from "../table.ts";
import { type Command, expectArguments, printJson } from "./command.ts";

/** Lists rooms: `--json` prints `{ rooms: [{ id, name, kind, public, ownerId, conversationId, handle }] }`. */
export const rooms: Command = (context, args) => {
  expectArguments("rooms", "[--json]", args, 0);
  return withSignedIn(context.config, context.io, context.user, (connection) => {
    const list = connection.getSnapshot().rooms;
    const handle = (room: (typeof list)[number]) => room.kind === "lobby" ? "lobby" : `#${room.id}`;
    if (context.json) {
      printJson(context.io, { rooms: list.map((room) => ({ ...room, handle: handle(room) })) });
      return Promise.resolve();
    }
    const rows = list.map((room) => [
      handle(room),
      room.name,
      room.kind === "lobby" ? "everyone" : room.public ? "public" : "private",
    ]);
    for (const line of formatTable(rows)) context.io.out(line);
    return Promise.resolve();
  });
};

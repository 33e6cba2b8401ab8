// `members <room>`: who is in a room, online first; for the lobby, how many are online.

import { withSignedIn } from "../connection.ts";
import { findRoom } from "../conversation_names.ts";
import { UsageError } from "../exit_codes.ts";
import { formatTable } from "../table.ts";
import { type Command, expectArguments, printJson } from "./command.ts";

/**
 * Lists a room's members: `--json` prints `{ room: { id, name }, onlineCount, members: [{ id, username, nickname,
 * role, online }] }` (the lobby has no member list).
 */
export const members: Command = (context, args) => {
  expectArguments("members", "<room>", args, 1);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const room = findRoom(connection.getSnapshot(), args[0]);
    if (!room) throw new UsageError(`you are in no room "${args[0]}"; "rooms" lists yours`);
    const answer = await connection.roomMembers(room.id);
    const list = answer.members.map(({ user, role, online }) => ({ ...user, role, online }));
    if (context.json) {
      printJson(context.io, { room: { id: room.id, name: room.name }, onlineCount: answer.onlineCount, members: list });
      return;
    }
    context.io.out(`${room.name}: ${answer.onlineCount} online`);
    const rows = list.map((m) => [m.nickname, m.username, m.role, m.online ? "online" : "offline"]);
    for (const line of formatTable(rows)) context.io.out(`  ${line}`);
  });
};

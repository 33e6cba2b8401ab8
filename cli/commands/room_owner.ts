// The owner's tools: `rename`, `remove-member`, `transfer` and `delete-room`. The server refuses others (`not_allowed`).

import { withSignedIn } from "../connection.ts";
import { type Command, expectArguments, printJson } from "./command.ts";
import { memberNamed, roomJson, roomNamed } from "./room_names.ts";

/** Renames a room: `--json` prints `{ room: RoomJson }`. The name is the rest of the line. */
export const rename: Command = (context, args) => {
  expectArguments("rename", "<room> <name…>", args, 2, Infinity);
  const [name, ...words] = args;
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const room = roomNamed(connection, name);
    const renamed = await connection.renameRoom(room.id, words.join(" "));
    if (context.json) {
      printJson(context.io, { room: roomJson(renamed) });
      return;
    }
    context.io.out(`Renamed ${room.name} (#${room.id}) to ${renamed.name}.`);
  });
};

/** Removes a member from a room: `--json` prints `{ room: { id, name }, removed: { id, username, nickname } }`. */
export const removeMember: Command = (context, args) => {
  expectArguments("remove-member", "<room> <user>", args, 2);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const room = roomNamed(connection, args[0]);
    const { user } = await memberNamed(connection, room, args[1]);
    await connection.removeMember(room.id, user.id);
    if (context.json) {
      printJson(context.io, { room: { id: room.id, name: room.name }, removed: user });
      return;
    }
    context.io.out(`Removed ${user.nickname} (${user.username}) from ${room.name}.`);
  });
};

/** Hands a room over to a member; you stay in it as a member. `--json` prints `{ room: RoomJson, owner: UserRef }`. */
export const transfer: Command = (context, args) => {
  expectArguments("transfer", "<room> <user>", args, 2);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const room = roomNamed(connection, args[0]);
    const { user } = await memberNamed(connection, room, args[1]);
    const handed = await connection.transferRoom(room.id, user.id);
    if (context.json) {
      printJson(context.io, { room: roomJson(handed), owner: user });
      return;
    }
    context.io.out(`${user.nickname} (${user.username}) owns ${room.name} now; you stay in it as a member.`);
  });
};

/** Deletes a room with its history, for every member: `--json` prints `{ deleted: { id, name } }`. */
export const deleteRoom: Command = (context, args) => {
  expectArguments("delete-room", "<room>", args, 1);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const room = roomNamed(connection, args[0]);
    await connection.deleteRoom(room.id);
    if (context.json) {
      printJson(context.io, { deleted: { id: room.id, name: room.name } });
      return;
    }
    context.io.out(`Deleted ${room.name} (#${room.id}) and its history.`);
  });
};

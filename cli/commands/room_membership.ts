// `create-room`, `public-rooms`, `join`, `invite`, `invite-code` and `leave`: making rooms and coming and going.

import { takeFlag } from "../args.ts";
import { withSignedIn } from "../connection.ts";
import { formatTable } from "../table.ts";
import { type Command, expectArguments, printJson } from "./command.ts";
import { roomJson, roomNamed, usersNamed } from "./room_names.ts";

/**
 * Makes a room you own, with friends in it from the start; `--public` lists it for anyone to join. `--json` prints
 * `{ room: RoomJson, members: [{ id, username, nickname }] }`.
 */
export const createRoom: Command = (context, args) => {
  const isPublic = takeFlag(args, "--public");
  expectArguments("create-room", "[--public] <name> [user…]", isPublic.rest, 1, Infinity);
  const [name, ...invitees] = isPublic.rest;
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const users = await usersNamed(connection, invitees);
    const room = await connection.createRoom(name, { memberIds: users.map((u) => u.id), public: isPublic.present });
    if (context.json) {
      printJson(context.io, { room: roomJson(room), members: users });
      return;
    }
    const who = users.length === 0 ? "only you in it" : `with ${users.map((u) => u.nickname).join(", ")}`;
    context.io.out(`Made ${room.public ? "public" : "private"} room ${room.name} (#${room.id}), ${who}.`);
  });
};

/** Lists the public rooms, most members first: `--json` prints `{ rooms: [{ id, name, memberCount, member }] }`. */
export const publicRooms: Command = (context, args) => {
  expectArguments("public-rooms", "[--json]", args, 0);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const rooms = await connection.listPublicRooms();
    if (context.json) {
      printJson(context.io, { rooms });
      return;
    }
    if (rooms.length === 0) context.io.out("No public rooms yet; make one with: create-room --public <name>");
    const rows = rooms.map((r) => [`#${r.id}`, r.name, `${r.memberCount} members`, r.member ? "joined" : ""]);
    for (const line of formatTable(rows)) context.io.out(line);
  });
};

/**
 * Joins a public room by its `#id` (or id), or any room by an invite code its owner gave: `--json` prints
 * `{ room: RoomJson }`.
 */
export const join: Command = (context, args) => {
  expectArguments("join", "<room-id|code>", args, 1);
  const byId = /^#?(\d+)$/.exec(args[0]);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const room = byId ? await connection.joinRoom(Number(byId[1])) : await connection.joinRoomByCode(args[0]);
    if (context.json) {
      printJson(context.io, { room: roomJson(room) });
      return;
    }
    context.io.out(`Joined ${room.name} (#${room.id}); write with: send '#${room.id}' <text>`);
  });
};

/** Adds friends to a room: `--json` prints `{ room: { id, name }, added: [{ id, username, nickname }] }`. */
export const invite: Command = (context, args) => {
  expectArguments("invite", "<room> <user…>", args, 2, Infinity);
  const [name, ...invitees] = args;
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const room = roomNamed(connection, name);
    const users = await usersNamed(connection, invitees);
    const added = new Set(await connection.inviteToRoom(room.id, users.map((u) => u.id)));
    const joined = users.filter((u) => added.has(u.id));
    if (context.json) {
      printJson(context.io, { room: { id: room.id, name: room.name }, added: joined });
      return;
    }
    const already = users.filter((u) => !added.has(u.id));
    if (joined.length > 0) context.io.out(`Added ${joined.map((u) => u.nickname).join(", ")} to ${room.name}.`);
    if (already.length > 0) {
      context.io.out(`Already in ${room.name}: ${already.map((u) => u.nickname).join(", ")}.`);
    }
  });
};

/**
 * Makes a new invite code for a room you own: `--json` prints `{ room: { id, name }, code }`. The server keeps only the
 * code's hash and cannot show one again, so every call makes a new code and the one before stops working; `--rotate`
 * says so in a script and changes nothing.
 */
export const inviteCode: Command = (context, args) => {
  const rotate = takeFlag(args, "--rotate");
  expectArguments("invite-code", "<room> [--rotate]", rotate.rest, 1);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const room = roomNamed(connection, rotate.rest[0]);
    const code = await connection.roomInviteCode(room.id);
    if (context.json) {
      printJson(context.io, { room: { id: room.id, name: room.name }, code });
      return;
    }
    context.io.out(code);
    context.io.err(`Anyone with this code joins ${room.name} with: join ${code}; earlier codes no longer work.`);
  });
};

/** Leaves a room (an owner hands it over first): `--json` prints `{ left: { id, name } }`. */
export const leave: Command = (context, args) => {
  expectArguments("leave", "<room>", args, 1);
  return withSignedIn(context.config, context.io, context.user, async (connection) => {
    const room = roomNamed(connection, args[0]);
    await connection.leaveRoom(room.id);
    if (context.json) {
      printJson(context.io, { left: { id: room.id, name: room.name } });
      return;
    }
    context.io.out(`Left ${room.name} (#${room.id}).`);
  });
};

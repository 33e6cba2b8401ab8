// The authorisation table (issue 9, item 7): every logged-in operation of the registry, sent over TCP at one target
// user by five callers — a stranger, a friend, a former friend, a user the target blocked and one who blocked the
// target — each answered exactly as docs/PROTOCOL.md promises. Beyond the code, a refusal must not tell an existing
// target from none (the same message as for an id nothing has), and the blocked user must hear word for word what a
// former friend hears. An operation of the registry with neither a row nor a reasoned exemption fails the first test,
// by name: a new operation is not done until the table says who may use it. Rooms aim at a room of the target's, the
// friend a member and the former friend, the blocked user and the blocker ones who left it.

import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { login, register } from "../core/client/accounts.ts";
import type { Sendable } from "../core/client/client.ts";
import { generateNobleDeviceKey } from "../core/client/device_key_noble.ts";
import type { RequestOf, ResponseOf } from "../core/protocol/define.ts";
import { type ErrorCode, GENERIC_ERRORS, ProtocolError } from "../core/protocol/errors.ts";
import { MAX_CHUNK } from "../core/protocol/ops/blobs.ts";
import type { SendableBody } from "../core/protocol/ops/messages.ts";
import { type AnyOp, OPS } from "../core/protocol/registry.ts";
import { FakeClock } from "../core/time/clock.ts";
import { type ClientsContext, withClients } from "./_accounts_helpers.ts";
import { befriend, PASSWORD, type Person, say, shareImage, signUp } from "./_chat_helpers.ts";
import { noisyPng } from "./_images.ts";

/**
 * Who calls, by what they are to the target user. The blocked user and the blocker were friends of the target before
 * the block (so they know the conversation they shared), as the former friend was before the friendship ended.
 */
const ACTORS = ["stranger", "friend", "former", "blocked", "blocker"] as const;
type Actor = (typeof ACTORS)[number];

/** What a call gets: an answer, or an error with this code. */
type Outcome = "ok" | ErrorCode;

/** An id no seeded world reaches: the target that does not exist, whose answer nothing may be told apart from. */
const ABSENT = 999_999_999;

/** What the rows aim at, made through the operations for one target user. */
interface World {
  /** The user every row's operation is aimed at. */
  target: Person;
  /** The direct conversation the actor shared with the target; the stranger's is the friend's (someone else's). */
  conversation(actor: Actor): number;
  /** The seq of a message the actor sent there; the stranger's is the friend's. */
  ownMessage(actor: Actor): number;
  /** The seq of a message the target sent there. */
  targetMessage(actor: Actor): number;
  /** The friend request the target sent the actor; the stranger's is the friend's. */
  request(actor: Actor): number;
  /** A conversation the actor shares with a friend of theirs who has nothing to do with the target. */
  withPal(actor: Actor): number;
  /** An image the target uploaded and showed in each conversation while it was shared, and the body that shows it. */
  image: { bytes: Uint8Array; sha256: Uint8Array; body: SendableBody };
  /** An upload of the target's, half sent. */
  upload: { id: number; size: number; sha256: Uint8Array; received: number; rest: Uint8Array };
  /** A device the target's login remembered. */
  device: number;
  /**
   * The target's private room: the friend is a member; the former friend left it, the target removed the user they
   * blocked and the blocker left it (so each is a former member, and a block reads as a room left).
   */
  room: { id: number; conversationId: number };
  /** A code of the target's room that the target has since replaced. */
  oldCode: string;
}

/**
 * Which world a row runs in: the shared one, or one of its own for a row whose calls change what they are aimed at
 * (so each actor's call finds the world as seeded, whatever the others did). In `own, request open` the friend has
 * not yet answered the target's request: answering it is the call the row tests.
 */
type WorldKind = "shared" | "own" | "own, request open";

/** One operation aimed at the world, with what each actor gets. */
interface Row<D extends AnyOp = AnyOp> {
  op: D;
  /** What the call is aimed at, when an operation has several rows. */
  aim?: string;
  world: WorldKind;
  expect: Record<Actor, Outcome>;
  /** The request body the actor sends. */
  body(world: World, actor: Actor): Sendable<RequestOf<D>>;
  /**
   * The same request aimed at nothing that exists. An actor's error with the code this gets must carry the same
   * message: an answer tells nothing about whether the target exists (PROTOCOL.md §12, §14.1, §15).
   */
  absent?(world: World, actor: Actor): Sendable<RequestOf<D>>;
  /** Checks a successful answer: what it shows, or that it shows nothing of the target. */
  shows?(answer: ResponseOf<D>, world: World, actor: Actor): void;
}

/** Keeps a row's body builders typed by its operation. */
function row<D extends AnyOp>(definition: Row<D>): Row {
  return definition as unknown as Row;
}

const text = (words: string): SendableBody => ({ type: "text", text: words });

/** The table: one row per aim of every logged-in operation. */
const TABLE: Row[] = [
  // §12: friends and blocks.
  row({
    op: OPS.findUser,
    world: "shared",
    expect: { stranger: "ok", friend: "ok", former: "ok", blocked: "not_found", blocker: "ok" },
    body: (w) => ({ username: w.target.profile.username }),
    absent: () => ({ username: "nobody_here" }),
    shows: (answer, w) => assert.equal(answer.user.id, w.target.profile.id),
  }),
  row({
    op: OPS.sendFriendRequest,
    world: "own",
    expect: { stranger: "ok", friend: "already_friends", former: "ok", blocked: "not_found", blocker: "not_allowed" },
    body: (w) => ({ userId: w.target.profile.id }),
    absent: () => ({ userId: ABSENT }),
    shows: (answer) => assert.equal(answer.request.status, "pending"),
  }),
  row({
    op: OPS.answerFriendRequest,
    world: "own, request open",
    expect: { stranger: "not_found", friend: "ok", former: "not_found", blocked: "not_found", blocker: "not_found" },
    body: (w, actor) => ({ requestId: w.request(actor), answer: "accept" }),
    absent: () => ({ requestId: ABSENT, answer: "accept" }),
    shows: (answer) => assert.equal(answer.request.status, "accepted"),
  }),
  row({
    op: OPS.removeFriend,
    world: "own",
    expect: { stranger: "not_found", friend: "ok", former: "not_found", blocked: "not_found", blocker: "not_found" },
    body: (w) => ({ userId: w.target.profile.id }),
    absent: () => ({ userId: ABSENT }),
  }),
  row({
    // Anyone may block anyone: a block protects the one who makes it, and tells nothing back.
    op: OPS.blockUser,
    world: "own",
    expect: { stranger: "ok", friend: "ok", former: "ok", blocked: "ok", blocker: "ok" },
    body: (w) => ({ userId: w.target.profile.id }),
    absent: () => ({ userId: ABSENT }),
  }),
  row({
    op: OPS.unblockUser,
    world: "own",
    expect: { stranger: "not_found", friend: "not_found", former: "not_found", blocked: "not_found", blocker: "ok" },
    body: (w) => ({ userId: w.target.profile.id }),
    absent: () => ({ userId: ABSENT }),
  }),
  row({
    op: OPS.listBlocked,
    aim: "the caller's own blocks: the target's block of the caller is not among them",
    world: "shared",
    expect: { stranger: "ok", friend: "ok", former: "ok", blocked: "ok", blocker: "ok" },
    body: () => ({}),
    shows: (answer, w, actor) =>
      assert.equal(answer.blocked.some((user) => user.id === w.target.profile.id), actor === "blocker"),
  }),
  row({
    op: OPS.watchPresence,
    aim: "the target's presence, which only a friend sees",
    world: "shared",
    expect: { stranger: "ok", friend: "ok", former: "ok", blocked: "ok", blocker: "ok" },
    body: (w) => ({ userIds: [w.target.profile.id] }),
    shows: (answer, w, actor) =>
      assert.deepEqual(answer.presence.map((p) => p.userId), actor === "friend" ? [w.target.profile.id] : []),
  }),

  // §14: conversations and messages.
  row({
    op: OPS.sendMessage,
    aim: "a text",
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "ok",
      former: "not_allowed",
      blocked: "not_allowed",
      blocker: "not_allowed",
    },
    body: (w, actor) => ({ conversationId: w.conversation(actor), clientId: crypto.randomUUID(), body: text("hi") }),
    absent: () => ({ conversationId: ABSENT, clientId: crypto.randomUUID(), body: text("hi") }),
  }),
  row({
    op: OPS.sendMessage,
    aim: "the target's image, shown in the conversation",
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "ok",
      former: "not_allowed",
      blocked: "not_allowed",
      blocker: "not_allowed",
    },
    body: (w, actor) => ({ conversationId: w.conversation(actor), clientId: crypto.randomUUID(), body: w.image.body }),
    absent: (w) => ({ conversationId: ABSENT, clientId: crypto.randomUUID(), body: w.image.body }),
  }),
  row({
    // PROTOCOL.md §14.3 rule 5: an image is passed on only by those who may download it (§15.2).
    op: OPS.sendMessage,
    aim: "the target's image, passed on to a pal",
    world: "shared",
    expect: { stranger: "not_found", friend: "ok", former: "not_found", blocked: "not_found", blocker: "not_found" },
    body: (w, actor) => ({ conversationId: w.withPal(actor), clientId: crypto.randomUUID(), body: w.image.body }),
    absent: (w, actor) => ({
      conversationId: w.withPal(actor),
      clientId: crypto.randomUUID(),
      body: { ...w.image.body, blob: sha256(new TextEncoder().encode("no such image")) } as SendableBody,
    }),
  }),
  row({
    op: OPS.history,
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "ok",
      former: "not_allowed",
      blocked: "not_allowed",
      blocker: "not_allowed",
    },
    body: (w, actor) => ({ conversationId: w.conversation(actor), limit: 50 }),
    absent: () => ({ conversationId: ABSENT, limit: 50 }),
    shows: (answer, w, actor) => assert.ok(answer.messages.some((m) => m.seq === w.targetMessage(actor))),
  }),
  row({
    op: OPS.sync,
    aim: "the caller's own list: the conversation with the target only while they may use it",
    world: "shared",
    expect: { stranger: "ok", friend: "ok", former: "ok", blocked: "ok", blocker: "ok" },
    body: () => ({}),
    shows: (answer, w, actor) =>
      assert.equal(answer.conversations.some((c) => c.id === w.conversation(actor)), actor === "friend"),
  }),
  row({
    op: OPS.markRead,
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "ok",
      former: "not_allowed",
      blocked: "not_allowed",
      blocker: "not_allowed",
    },
    body: (w, actor) => ({ conversationId: w.conversation(actor), seq: 1 }),
    absent: () => ({ conversationId: ABSENT, seq: 1 }),
  }),
  row({
    op: OPS.recallMessage,
    aim: "the caller's own message",
    world: "own",
    expect: {
      stranger: "not_found",
      friend: "ok",
      former: "not_allowed",
      blocked: "not_allowed",
      blocker: "not_allowed",
    },
    body: (w, actor) => ({ conversationId: w.conversation(actor), seq: w.ownMessage(actor) }),
    absent: (w) => ({ conversationId: ABSENT, seq: w.ownMessage("friend") }),
    shows: (answer) => assert.equal(answer.message.body.type, "recalled"),
  }),
  row({
    op: OPS.recallMessage,
    aim: "the target's message",
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "not_allowed",
      former: "not_allowed",
      blocked: "not_allowed",
      blocker: "not_allowed",
    },
    body: (w, actor) => ({ conversationId: w.conversation(actor), seq: w.targetMessage(actor) }),
    absent: (w) => ({ conversationId: ABSENT, seq: w.targetMessage("friend") }),
  }),

  // §13: rooms. Aimed at the target's room, whose only member besides the target is the friend; the others left it.
  row({
    op: OPS.createRoom,
    aim: "a room with the target in it: only friends may be put in one",
    world: "shared",
    expect: {
      stranger: "not_allowed",
      friend: "ok",
      former: "not_allowed",
      blocked: "not_allowed",
      blocker: "not_allowed",
    },
    body: (w) => ({ name: "With the target", memberIds: [w.target.profile.id] }),
    absent: () => ({ name: "With nobody", memberIds: [ABSENT] }),
    shows: (answer, w) => assert.notEqual(answer.room.id, w.room.id),
  }),
  row({
    op: OPS.listPublicRooms,
    aim: "public rooms: the target's private room is not among them",
    world: "shared",
    expect: { stranger: "ok", friend: "ok", former: "ok", blocked: "ok", blocker: "ok" },
    body: () => ({}),
    shows: (answer, w) => assert.equal(answer.rooms.some((room) => room.id === w.room.id), false),
  }),
  row({
    op: OPS.joinRoom,
    aim: "the target's private room: a member is answered it, nobody else can tell it exists",
    world: "shared",
    expect: { stranger: "not_found", friend: "ok", former: "not_found", blocked: "not_found", blocker: "not_found" },
    body: (w) => ({ roomId: w.room.id }),
    absent: () => ({ roomId: ABSENT }),
    shows: (answer, w) => assert.equal(answer.room.id, w.room.id),
  }),
  row({
    op: OPS.joinRoomByCode,
    aim: "a code of the target's room that the target replaced",
    world: "shared",
    expect: {
      stranger: "room_code_invalid",
      friend: "room_code_invalid",
      former: "room_code_invalid",
      blocked: "room_code_invalid",
      blocker: "room_code_invalid",
    },
    body: (w) => ({ code: w.oldCode }),
    absent: () => ({ code: "aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa" }),
  }),
  ...([
    [OPS.roomInviteCode, (w: World) => ({ roomId: w.room.id })],
    [OPS.renameRoom, (w: World) => ({ roomId: w.room.id, name: "Mine now" })],
    [OPS.removeMember, (w: World) => ({ roomId: w.room.id, userId: w.target.profile.id })],
    [OPS.transferRoom, (w: World) => ({ roomId: w.room.id, userId: w.target.profile.id })],
    [OPS.deleteRoom, (w: World) => ({ roomId: w.room.id })],
  ] as const).map(([op, body]) =>
    row({
      op: op as AnyOp,
      aim: "the target's room, which only its owner manages",
      world: "shared",
      expect: {
        stranger: "not_found",
        friend: "not_allowed",
        former: "not_allowed",
        blocked: "not_allowed",
        blocker: "not_allowed",
      },
      body: (w) => body(w) as never,
      absent: (w) => ({ ...body(w), roomId: ABSENT }) as never,
    })
  ),
  row({
    op: OPS.inviteToRoom,
    aim: "the target's room, with nobody new: a member may invite",
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "ok",
      former: "not_allowed",
      blocked: "not_allowed",
      blocker: "not_allowed",
    },
    body: (w) => ({ roomId: w.room.id, userIds: [] }),
    absent: () => ({ roomId: ABSENT, userIds: [] }),
    shows: (answer) => assert.deepEqual(answer.added, []),
  }),
  row({
    op: OPS.leaveRoom,
    aim: "the target's room",
    world: "own",
    expect: {
      stranger: "not_found",
      friend: "ok",
      former: "not_allowed",
      blocked: "not_allowed",
      blocker: "not_allowed",
    },
    body: (w) => ({ roomId: w.room.id }),
    absent: () => ({ roomId: ABSENT }),
  }),
  row({
    op: OPS.roomMembers,
    aim: "the target's room",
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "ok",
      former: "not_allowed",
      blocked: "not_allowed",
      blocker: "not_allowed",
    },
    body: (w) => ({ roomId: w.room.id }),
    absent: () => ({ roomId: ABSENT }),
    shows: (answer, w) => {
      assert.equal(answer.members.length, 2, "the target and the friend: those who left are not listed");
      assert.ok(answer.members.some((m) => m.user.id === w.target.profile.id && m.role === "owner"));
    },
  }),
  row({
    op: OPS.sendMessage,
    aim: "a text in the target's room",
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "ok",
      former: "not_allowed",
      blocked: "not_allowed",
      blocker: "not_allowed",
    },
    body: (w) => ({ conversationId: w.room.conversationId, clientId: crypto.randomUUID(), body: text("hi all") }),
    absent: () => ({ conversationId: ABSENT, clientId: crypto.randomUUID(), body: text("hi all") }),
  }),

  // §15: blobs. Uploads are their uploader's alone; a blob is read by its uploaders and the conversations showing it.
  row({
    op: OPS.uploadStart,
    aim: "the hash of the target's upload in progress, which is not resumed for anyone else",
    world: "shared",
    expect: { stranger: "ok", friend: "ok", former: "ok", blocked: "ok", blocker: "ok" },
    body: (w) => ({ size: w.upload.size, sha256: w.upload.sha256, kind: "image" }),
    shows: (answer, w) => {
      assert.notEqual(answer.uploadId, w.upload.id);
      assert.equal(answer.received, 0);
    },
  }),
  row({
    op: OPS.uploadStart,
    aim: "the hash of the target's blob, which must be uploaded whole all the same",
    world: "shared",
    expect: { stranger: "ok", friend: "ok", former: "ok", blocked: "ok", blocker: "ok" },
    body: (w) => ({ size: w.image.bytes.length, sha256: w.image.sha256, kind: "image" }),
    shows: (answer) => assert.equal(answer.received, 0),
  }),
  row({
    op: OPS.uploadChunk,
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "not_found",
      former: "not_found",
      blocked: "not_found",
      blocker: "not_found",
    },
    body: (w) => ({ uploadId: w.upload.id, offset: w.upload.received, bytes: w.upload.rest }),
    absent: (w) => ({ uploadId: ABSENT, offset: w.upload.received, bytes: w.upload.rest }),
  }),
  row({
    op: OPS.uploadStatus,
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "not_found",
      former: "not_found",
      blocked: "not_found",
      blocker: "not_found",
    },
    body: (w) => ({ uploadId: w.upload.id }),
    absent: () => ({ uploadId: ABSENT }),
  }),
  row({
    op: OPS.uploadFinish,
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "not_found",
      former: "not_found",
      blocked: "not_found",
      blocker: "not_found",
    },
    body: (w) => ({ uploadId: w.upload.id }),
    absent: () => ({ uploadId: ABSENT }),
  }),
  row({
    op: OPS.download,
    world: "shared",
    expect: {
      stranger: "not_found",
      friend: "ok",
      former: "not_found",
      blocked: "not_found",
      blocker: "not_found",
    },
    body: (w) => ({ sha256: w.image.sha256, offset: 0, length: MAX_CHUNK }),
    absent: () => ({ sha256: sha256(new TextEncoder().encode("no such blob")), offset: 0, length: MAX_CHUNK }),
    shows: (answer, w) => assert.deepEqual(answer.bytes, w.image.bytes),
  }),

  // §10.9: another user's device is as unknown as none.
  row({
    op: OPS.revokeDevice,
    aim: "a device of the target's",
    world: "shared",
    expect: {
      stranger: "device_unknown",
      friend: "device_unknown",
      former: "device_unknown",
      blocked: "device_unknown",
      blocker: "device_unknown",
    },
    body: (w) => ({ deviceId: w.device }),
    absent: () => ({ deviceId: ABSENT }),
  }),
];

/** Logged-in operations that name nothing of another user's, so no caller has a relation to what they act on. */
const EXEMPT: Readonly<Record<string, string>> = {
  logout: "ends the caller's own session; names no target",
  set_nickname: "changes the caller's own profile; names no target",
  set_font: "changes the caller's own profile; names no target",
  password_start: "re-registers the caller's own password; names no target",
  password_finish: "re-registers the caller's own password; names no target",
  list_devices: "lists the caller's own devices; names no target (revoke_device, which names one, has a row)",
  watch_lobby: "watches the lobby, which is every user's; names no target",
};

const LOGGED_IN = Object.values(OPS).filter((op) => op.auth === "user");
const hex = (opcode: number) => `0x${opcode.toString(16).padStart(4, "0")}`;

Deno.test("every logged-in operation of the registry has a row in the authorisation table, or an exemption with a reason", () => {
  const rowed = new Set<string>(TABLE.map((r) => r.op.name));
  const missing = LOGGED_IN.filter((op) => !rowed.has(op.name) && !Object.hasOwn(EXEMPT, op.name));
  assert.ok(
    missing.length === 0,
    `${missing.length} logged-in operation(s) of the registry have no row in tests/authorization_test.ts:\n` +
      missing.map((op) => `  - ${op.name} (${hex(op.opcode)})`).join("\n") +
      "\nAdd a row saying what each caller gets (or, for one that names nothing of another user's, an exemption " +
      "with its reason).",
  );
  const loggedIn = new Set<string>(LOGGED_IN.map((op) => op.name));
  const stale = Object.keys(EXEMPT).filter((name) => !loggedIn.has(name) || rowed.has(name));
  assert.deepEqual(stale, [], "exemptions name only logged-in operations without a row");
});

Deno.test("every code the authorisation table expects is one its operation declares", () => {
  for (const { op, expect } of TABLE) {
    for (const actor of ACTORS) {
      const code = expect[actor];
      if (code === "ok") continue;
      assert.ok(
        op.errors.includes(code) || GENERIC_ERRORS.includes(code),
        `${op.name} as the ${actor}: ${code} is not among its errors`,
      );
    }
  }
});

/** The callers, logged in once for the whole table, and the conversation each shares with a pal of theirs. */
interface Cast {
  people: Record<Actor, Person>;
  withPal: Record<Actor, number>;
}

/**
 * Seeds a world around a new target user through the operations: the target asks the friend, the former friend, the
 * user they will block and the user who will block them to be friends; each accepts (but the friend, in
 * `own, request open`), and each conversation gets a message from both and the target's image; then the target ends
 * the former friendship and blocks, and the blocker blocks the target.
 */
async function seedWorld(context: ClientsContext, cast: Cast, username: string, kind: WorldKind): Promise<World> {
  const { client, pushes } = await context.open("tcp");
  const profile = await register(client, username, `Target ${username}`, PASSWORD);
  const bundle = await login(client, username, PASSWORD, {
    device: { name: "Target's phone", publicKey: generateNobleDeviceKey().publicKey },
  });
  assert.ok(bundle.deviceId);
  const target: Person = { profile, client, pushes, bundle, via: "tcp" };

  const bytes = await noisyPng(8, 8);
  const shown = await shareImage(target, bytes);
  const half = await noisyPng(8, 8, 2);
  const hash = sha256(half);
  const received = Math.floor(half.length / 2);
  const { uploadId } = await client.call(OPS.uploadStart, { size: half.length, sha256: hash, kind: "image" });
  await client.call(OPS.uploadChunk, { uploadId, offset: 0, bytes: half.subarray(0, received) });

  const conversations: Partial<Record<Actor, number>> = {};
  const own: Partial<Record<Actor, number>> = {};
  const targets: Partial<Record<Actor, number>> = {};
  const requests: Partial<Record<Actor, number>> = {};
  for (const actor of ["friend", "former", "blocked", "blocker"] as const) {
    const { request } = await client.call(OPS.sendFriendRequest, { userId: cast.people[actor].profile.id });
    requests[actor] = request.id;
    if (actor === "friend" && kind === "own, request open") continue;
    const { conversationId } = await cast.people[actor].client.call(OPS.answerFriendRequest, {
      requestId: request.id,
      answer: "accept",
    });
    conversations[actor] = conversationId!;
    targets[actor] = (await say(target, conversationId!, `Hello ${actor}`)).seq;
    own[actor] = (await say(cast.people[actor], conversationId!, `Hello ${username}`)).seq;
    await say(target, conversationId!, shown);
  }
  // The target's room, made while all are friends: then the former friend leaves it, the target removes the user they
  // will block, and the blocker leaves it; a code of it is replaced.
  const roomMembers = (["friend", "former", "blocked", "blocker"] as const).filter((a) =>
    conversations[a] !== undefined
  );
  const { room } = await client.call(OPS.createRoom, {
    name: `Room of ${username}`,
    memberIds: roomMembers.map((actor) => cast.people[actor].profile.id),
  });
  const { code: oldCode } = await client.call(OPS.roomInviteCode, { roomId: room.id });
  await client.call(OPS.roomInviteCode, { roomId: room.id });
  await cast.people.former.client.call(OPS.leaveRoom, { roomId: room.id });
  await client.call(OPS.removeMember, { roomId: room.id, userId: cast.people.blocked.profile.id });
  await cast.people.blocker.client.call(OPS.leaveRoom, { roomId: room.id });

  await client.call(OPS.removeFriend, { userId: cast.people.former.profile.id });
  await client.call(OPS.blockUser, { userId: cast.people.blocked.profile.id });
  await cast.people.blocker.client.call(OPS.blockUser, { userId: profile.id });

  /** The actor's entry of a map; the stranger's is the friend's, someone else's. */
  const of = (map: Partial<Record<Actor, number>>, what: string) => (actor: Actor): number => {
    const value = map[actor === "stranger" ? "friend" : actor];
    if (value === undefined) throw new Error(`The ${kind} world of ${username} has no ${what} for the ${actor}`);
    return value;
  };
  return {
    target,
    conversation: of(conversations, "conversation"),
    ownMessage: of(own, "message of their own"),
    targetMessage: of(targets, "message of the target's"),
    request: of(requests, "friend request"),
    withPal: (actor) => cast.withPal[actor],
    image: { bytes, sha256: sha256(bytes), body: shown },
    upload: { id: uploadId, size: half.length, sha256: hash, received, rest: half.subarray(received) },
    device: bundle.deviceId,
    room: { id: room.id, conversationId: room.conversationId },
    oldCode,
  };
}

/** What a call got: the answer, or the error's code and message. */
type Got = { ok: true; answer: unknown } | { ok: false; code: string; message: string };

async function attempt(person: Person, op: AnyOp, body: unknown): Promise<Got> {
  try {
    return { ok: true, answer: await person.client.call(op, body as never) };
  } catch (error) {
    // Not swallowed: the error's code is the outcome under test; anything but a server's refusal fails the test.
    if (!(error instanceof ProtocolError)) throw error;
    return { ok: false, code: error.code, message: error.message };
  }
}

const said = (got: Got) => got.ok ? "ok" : `${got.code} ("${got.message}")`;

Deno.test("each caller gets exactly what the spec promises from every logged-in operation, and nothing tells whether a target exists", async () => {
  await withClients(async (context) => {
    const people = {} as Cast["people"];
    for (const actor of ACTORS) people[actor] = await signUp(context, actor);
    const pal = await signUp(context, "pal");
    const withPal = {} as Cast["withPal"];
    for (const actor of ACTORS) withPal[actor] = await befriend(pal, people[actor]);
    const cast = { people, withPal };
    const shared = await seedWorld(context, cast, "target", "shared");

    const mismatches: string[] = [];
    for (const [index, entry] of TABLE.entries()) {
      const world = entry.world === "shared" ? shared : await seedWorld(context, cast, `target${index}`, entry.world);
      const name = entry.aim ? `${entry.op.name} (${entry.aim})` : entry.op.name;
      const refusals = new Map<Actor, Got>();
      for (const actor of ACTORS) {
        const caller = cast.people[actor];
        const absent = entry.absent ? await attempt(caller, entry.op, entry.absent(world, actor)) : undefined;
        const got = await attempt(caller, entry.op, entry.body(world, actor));
        const expected = entry.expect[actor];
        if ((got.ok ? "ok" : got.code) !== expected) {
          mismatches.push(`${name} as the ${actor}: expected ${expected}, got ${said(got)}`);
          continue;
        }
        if (got.ok) {
          try {
            entry.shows?.(got.answer as never, world, actor);
          } catch (error) {
            // Collected, not lost: the table reports every row that fails at once.
            mismatches.push(`${name} as the ${actor}: the answer is wrong: ${(error as Error).message}`);
          }
          continue;
        }
        refusals.set(actor, got);
        if (absent && !absent.ok && absent.code === got.code && absent.message !== got.message) {
          mismatches.push(
            `${name} as the ${actor}: ${got.code} says "${got.message}", but "${absent.message}" for no target: ` +
              "the answer tells that the target exists",
          );
        }
      }
      // PROTOCOL.md §12.3: the blocked user cannot tell a block from a friendship that ended.
      const blocked = refusals.get("blocked");
      const former = refusals.get("former");
      if (blocked && former && !blocked.ok && !former.ok && blocked.code === former.code) {
        if (blocked.message !== former.message) {
          mismatches.push(
            `${name}: the blocked user hears "${blocked.message}" where a former friend hears "${former.message}"`,
          );
        }
      }
    }
    assert.ok(
      mismatches.length === 0,
      `${mismatches.length} answer(s) differ from the authorisation table:\n${mismatches.join("\n")}`,
    );
  }, { clock: new FakeClock() });
});

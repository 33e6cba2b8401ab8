// Fills a fresh data directory for the load scenarios: users with remembered devices, one room of them, and pairs of
// friends with their direct conversations, written through the server's own store before the server starts.
//
// Why not register them through the protocol: every registration and password login costs the client one Argon2id
// (64 MiB, 3 passes: about 0.25 s of a core, PROTOCOL.md §10.8.1), so 1,000 room members would take minutes of
// generator CPU before the first message. A remembered device logs in with `resume` (one ECDSA signature each way,
// §10.9), which is what a returning user's client does. The users' OPAQUE records are placeholders: nobody logs in
// with a password as a seeded user (the login scenario registers its own users through the protocol).

import { p256 } from "@noble/curves/nist.js";
import { DATABASE_FILE } from "../server/data_dir.ts";
import { openSqliteStore } from "../server/store/sqlite.ts";
import { hex } from "../core/bytes/mod.ts";

/** A seeded user as a load generator needs it: who it is and how it resumes. */
export interface SeededUser {
  userId: number;
  deviceId: number;
  /** The device's P-256 secret key, hex. */
  deviceSecret: string;
}

/** What was seeded. */
export interface Seeded {
  users: SeededUser[];
  /** The room of the first `roomMembers` users (user 0 owns it), or undefined when none was asked for. */
  room?: { roomId: number; conversationId: number };
  /** Direct conversations of users (2i, 2i+1) for i below `pairs`. */
  pairs: { a: number; b: number; conversationId: number }[];
}

/** What to seed. */
export interface SeedOptions {
  users: number;
  /** Members of one group room, the first users; 0 for no room. */
  roomMembers: number;
  /** Pairs of friends among the first 2 × pairs users. */
  pairs: number;
}

/**
 * Seeds `dir` (created if missing) with {@link SeedOptions}; the server that starts on it next finds them.
 *
 * @param dir The data directory a server will use (`--server.dataDir`).
 * @param options How many users, room members and pairs.
 * @returns The seeded users with their device secrets, the room and the pairs.
 */
export async function seedDataDir(dir: string, options: SeedOptions): Promise<Seeded> {
  if (options.roomMembers > options.users || options.pairs * 2 > options.users) {
    throw new RangeError(
      `Cannot seed a room of ${options.roomMembers} or ${options.pairs} pairs from ${options.users}`,
    );
  }
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const store = openSqliteStore(`${dir}/${DATABASE_FILE}`);
  const at = Date.now();
  try {
    return await store.transaction(async (tx) => {
      const users: SeededUser[] = [];
      for (let i = 0; i < options.users; i++) {
        const username = `bench${i}`;
        const user = await tx.users.create({
          username,
          usernameKey: username,
          nickname: `Bench ${i}`,
          registrationRecord: new Uint8Array(192),
          createdAt: at,
        });
        const secret = p256.utils.randomSecretKey();
        const device = await tx.devices.create({
          userId: user.id,
          name: "bench",
          publicKey: p256.getPublicKey(secret, false),
          createdAt: at,
        });
        users.push({ userId: user.id, deviceId: device.id, deviceSecret: hex(secret) });
      }
      let room: Seeded["room"];
      if (options.roomMembers > 0) {
        const made = await tx.rooms.createRoom("bench room", "group", users[0].userId, at, false);
        const conversation = await tx.conversations.forRoom(made.id, at);
        for (let i = 0; i < options.roomMembers; i++) {
          await tx.rooms.addMember(made.id, users[i].userId, i === 0 ? "owner" : "member", at);
          await tx.conversations.addMember(conversation.id, users[i].userId, at);
        }
        room = { roomId: made.id, conversationId: conversation.id };
      }
      const pairs: Seeded["pairs"] = [];
      for (let i = 0; i < options.pairs; i++) {
        const a = users[2 * i].userId;
        const b = users[2 * i + 1].userId;
        await tx.friends.addFriendship(a, b, at);
        const { id } = await tx.conversations.directFor(a, b, at);
        // As the friends service does when a request is accepted: both are members of their conversation.
        await tx.conversations.addMember(id, a, at);
        await tx.conversations.addMember(id, b, at);
        pairs.push({ a: 2 * i, b: 2 * i + 1, conversationId: id });
      }
      return { users, room, pairs };
    });
  } finally {
    await store.close();
  }
}

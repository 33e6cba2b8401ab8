// The terminal client's commands for blocks, rooms, recall, read marks, the lobby and the account, as users run them:
// `deno task client -- <command>` against one real server over TCP. Accounts and friendships are seeded through the
// SDK where they are not the point; each person runs the client in a home of their own with a remembered device.

import assert from "node:assert/strict";
import { startTestServer } from "./_harness.ts";
import { befriend, PASSWORD, signUp } from "./_sdk.ts";
import { exits, lastError, type Person, person } from "./_client_person.ts";
import type { MimiConnection } from "../core/client/mod.ts";

/** Parses a command's --json output, failing with its stderr when it did not succeed. */
function json(result: { code: number; stdout: string; stderr: string }, what: string) {
  exits(result, 0, what);
  return JSON.parse(result.stdout);
}

Deno.test("deno task client commands: blocks, rooms and their owner's tools, recall, read, lobby, nickname", async (t) => {
  const server = await startTestServer();
  const homes: string[] = [];
  const connections: MimiConnection[] = [];
  const track = (connection: MimiConnection) => (connections.push(connection), connection);
  try {
    // Accounts and friendships through the SDK: alice is friends with bob, carol and dave.
    const sdk: Record<string, MimiConnection> = {};
    for (const [name, nick] of [["alice", "Alice"], ["bob", "鲍勃"], ["carol", "Carol"], ["dave", "Dave"]]) {
      sdk[name] = await signUp(server, track, name, nick);
    }
    for (const friend of ["bob", "carol", "dave"]) await befriend(sdk.alice, sdk[friend]);
    for (const connection of Object.values(sdk)) await connection.close();
    const people: Record<string, Person> = {};
    for (const name of ["alice", "bob", "carol", "dave"]) {
      homes.push(await Deno.makeTempDir({ prefix: "mimi_home_" }));
      people[name] = person(server, name, homes.at(-1)!);
      exits(await people[name].run(["login", "--remember", name], `${PASSWORD}\n`), 0, `login ${name}`);
    }
    const { alice, bob, carol, dave } = people;

    await t.step("find says how users stand; remove-friend ends a friendship and refuses a non-friend", async () => {
      assert.deepEqual(json(await alice.run(["find", "carol", "--json"]), "find").relation, "friend");
      assert.match((await carol.run(["find", "dave"])).stdout, /^Dave \(dave\), user \d+: not your friend; ask with/);
      exits(await alice.run(["remove-friend", "carol"]), 0, "remove-friend");
      assert.deepEqual(json(await carol.run(["contacts", "--json"]), "contacts").contacts, []);
      const again = await alice.run(["remove-friend", "carol"]);
      exits(again, 1, "remove-friend of a non-friend");
      assert.match(lastError(again), /^mimi client: carol is not your friend/);
      const nobody = await alice.run(["find", "nobody"]);
      exits(nobody, 1, "find no such user");
      assert.match(lastError(nobody), /^mimi client: \S/);
    });

    await t.step("a block makes the blocked user's send and add exit 1 with the server's message", async () => {
      exits(await dave.run(["send", "alice", "before the block"]), 0, "send before the block");
      const blocked = await alice.run(["block", "dave"]);
      exits(blocked, 0, "block");
      assert.match(blocked.stdout, /^Blocked Dave \(dave\)/);
      const list = json(await alice.run(["blocked", "--json"]), "blocked").blocked;
      assert.deepEqual(list.map((b: { username: string }) => b.username), ["dave"]);
      assert.equal(json(await alice.run(["find", "dave", "--json"]), "find").relation, "blocked");

      const send = await dave.run(["send", "alice", "after the block"]);
      exits(send, 1, "send to who blocked you");
      assert.equal(lastError(send), "mimi client: No such user", "the server's refusal: a blocker cannot be found");
      const add = await dave.run(["add", "alice"]);
      exits(add, 1, "add who blocked you");
      assert.equal(lastError(add), "mimi client: No such user");

      exits(await alice.run(["unblock", "dave"]), 0, "unblock");
      assert.equal((await alice.run(["blocked"])).stdout, "You have blocked no one.\n");
      const notBlocked = await alice.run(["unblock", "dave"]);
      exits(notBlocked, 1, "unblock someone not blocked");
      assert.match(lastError(notBlocked), /you have not blocked dave/);
      assert.equal(json(await dave.run(["find", "alice", "--json"]), "find").relation, "none", "no friends again");
    });

    await t.step(
      "a room is made, a friend invited, joined by code, renamed, a member removed, handed over, deleted",
      async () => {
        const made = json(await alice.run(["create-room", "读书会", "bob", "--json"]), "create-room");
        const { id } = made.room;
        assert.equal(made.room.handle, `#${id}`);
        assert.equal(made.room.public, false);
        const room = `#${id}`;
        exits(await alice.run(["add", "carol"]), 0, "carol is asked again");
        exits(await carol.run(["accept", "alice"]), 0, "and is a friend again");
        const invited = json(await alice.run(["invite", "读书会", "carol", "bob", "--json"]), "invite");
        assert.deepEqual(invited.added.map((u: { username: string }) => u.username), ["carol"], "bob was in it");
        const stranger = await alice.run(["invite", room, "dave"]);
        exits(stranger, 1, "invite a non-friend");
        assert.match(lastError(stranger), /^mimi client: \S/);

        const coded = await alice.run(["invite-code", room]);
        exits(coded, 0, "invite-code");
        const code = coded.stdout.trim();
        assert.match(code, /^\S+$/, "the code alone on stdout");
        const joined = json(await dave.run(["join", code, "--json"]), "join by code");
        assert.equal(joined.room.id, id);
        const wrong = await carol.run(["join", "not-a-code"]);
        exits(wrong, 1, "a wrong code");

        exits(await alice.run(["rename", room, "周五", "读书会"]), 0, "rename");
        const bobsRooms = json(await bob.run(["rooms", "--json"]), "rooms").rooms;
        assert.equal(bobsRooms.find((r: { id: number }) => r.id === id).name, "周五 读书会");

        const removed = await alice.run(["remove-member", room, "carol"]);
        exits(removed, 0, "remove-member");
        assert.match(removed.stdout, /^Removed Carol \(carol\) from 周五 读书会\.$/m);
        const carolsRooms = json(await carol.run(["rooms", "--json"]), "rooms").rooms;
        assert.ok(!carolsRooms.some((r: { id: number }) => r.id === id), "carol is out");
        const notMember = await alice.run(["remove-member", room, "carol"]);
        exits(notMember, 1, "remove-member of a non-member");
        exits(await dave.run(["leave", room]), 0, "leave");

        const handed = json(await alice.run(["transfer", room, "bob", "--json"]), "transfer");
        assert.equal(handed.owner.username, "bob");
        assert.equal(handed.room.ownerId, handed.owner.id);
        const notOwner = await alice.run(["delete-room", room]);
        exits(notOwner, 1, "delete-room by a member");
        assert.match(lastError(notOwner), /^mimi client: \S/);
        const deleted = await bob.run(["delete-room", room]);
        exits(deleted, 0, "delete-room by the owner");
        assert.match(deleted.stdout, /^Deleted 周五 读书会/);
        const alicesRooms = json(await alice.run(["rooms", "--json"]), "rooms").rooms;
        assert.deepEqual(alicesRooms.map((r: { handle: string }) => r.handle), ["lobby"]);
      },
    );

    await t.step("a public room is listed by public-rooms and joined by its #id", async () => {
      const made = json(await alice.run(["create-room", "--public", "Open", "--json"]), "create-room --public");
      assert.equal(made.room.public, true);
      const listed = json(await dave.run(["public-rooms", "--json"]), "public-rooms").rooms;
      assert.deepEqual(listed.map((r: { id: number; member: boolean }) => [r.id, r.member]), [[made.room.id, false]]);
      const joined = await dave.run(["join", `#${made.room.id}`]);
      exits(joined, 0, "join a public room");
      assert.match(
        (await dave.run(["public-rooms"])).stdout,
        new RegExp(`^#${made.room.id} +Open +2 members +joined$`, "m"),
      );
    });

    await t.step("recall takes a message back within the window; another's message is refused", async () => {
      const { seq } = json(await alice.run(["send", "bob", "oops", "--json"]), "send");
      const recalled = json(await alice.run(["recall", "bob", String(seq), "--json"]), "recall");
      assert.equal(recalled.seq, seq);
      const page = json(await bob.run(["history", "alice", "--json", "--keep-unread"]), "history");
      const shown = page.messages.find((m: { seq: number }) => m.seq === seq);
      assert.equal(shown.type, "recalled");
      assert.match((await bob.run(["history", "alice"])).stdout, new RegExp(`^#${seq} .*Alice: \\[recalled\\]$`, "m"));
      const { seq: theirs } = json(await bob.run(["send", "alice", "mine", "--json"]), "send");
      const refused = await alice.run(["recall", "bob", `#${theirs}`]);
      exits(refused, 1, "recall another's message");
      assert.match(lastError(refused), /^mimi client: \S/);
      exits(await alice.run(["recall", "bob", "x"]), 2, "recall without a number");
    });

    await t.step("read marks a conversation read without printing it", async () => {
      exits(await bob.run(["send", "alice", "one"]), 0, "send");
      exits(await bob.run(["send", "alice", "two"]), 0, "send");
      const before = json(await alice.run(["unread", "--json"]), "unread");
      assert.ok(before.total >= 2, `unread ${before.total}`);
      const read = await alice.run(["read", "bob", "--json"]);
      const { readSeq } = json(read, "read");
      assert.equal(readSeq, before.conversations.find((c: { handle: string }) => c.handle === "bob").lastSeq);
      assert.equal(json(await alice.run(["unread", "--json"]), "unread").total, 0);
      exits(await alice.run(["read", "lobby"]), 2, "the lobby has no read position");
    });

    await t.step("lobby shows a message sent there and how many are online", async () => {
      exits(await alice.run(["send", "lobby", "hello everyone"]), 0, "send to the lobby");
      const shown = await bob.run(["lobby"]);
      exits(shown, 0, "lobby");
      assert.match(shown.stdout, /^.+: \d+ online$/m);
      assert.match(shown.stdout, /^#\d+ .* Alice: hello everyone$/m);
      const page = json(await dave.run(["lobby", "--limit", "1", "--json"]), "lobby --json");
      assert.equal(page.messages.length, 1);
      assert.equal(page.messages[0].text, "hello everyone");
      assert.equal(page.messages[0].sender.username, "alice", "a sender who is no friend is named by the server");
      assert.equal(typeof page.onlineCount, "number");
    });

    await t.step("nickname changes the name friends see; suites --json lists the algorithms", async () => {
      const changed = json(await alice.run(["nickname", "小爱", "--json"]), "nickname");
      assert.equal(changed.nickname, "小爱");
      assert.match((await bob.run(["contacts"])).stdout, /^小爱 {2}alice {2}/m);
      exits(await alice.run(["nickname", "x".repeat(40)]), 2, "too long a nickname");
      const suites = json(await alice.run(["suites", "--json"]), "suites --json");
      assert.ok(suites.kex.some((k: { offered: boolean }) => k.offered));
      assert.deepEqual(Object.keys(suites).sort(), ["aead", "ffdhe", "hash", "kex", "primitives", "sig"]);
    });
  } finally {
    for (const connection of connections) await connection.close();
    await server.close();
    for (const dir of homes) await Deno.remove(dir, { recursive: true });
  }
});

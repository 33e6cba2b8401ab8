// The scriptable commands as users run them: `deno task client -- <command>` against one real server over TCP. Users
// are signed up and seeded through the SDK from this process where a step is not about that; each person runs the
// client in a home of their own, signed in with a remembered device (`login --remember`) like a script would be.

import assert from "node:assert/strict";
import { startTestServer } from "./_harness.ts";
import { noisyPng } from "./_images.ts";
import { connectOptions, PASSWORD, signUp } from "./_sdk.ts";
import { runTask, taskEnv } from "./_task.ts";
import { exits, lastError, type Person, person } from "./_client_person.ts";
import { connect, type MimiConnection } from "../core/client/mod.ts";

Deno.test("deno task client commands: friends, messages, images, unread counts, paging and exit codes", async (t) => {
  const server = await startTestServer();
  const homes: string[] = [];
  const connections: MimiConnection[] = [];
  const track = (connection: MimiConnection) => (connections.push(connection), connection);
  const home = async () => {
    homes.push(await Deno.makeTempDir({ prefix: "mimi_home_" }));
    return homes.at(-1)!;
  };
  try {
    // Accounts through the SDK; the terminal part starts at the remembered login.
    for (const [name, nick] of [["alice", "Alice"], ["bob", "鲍勃"], ["carol", "Carol"]]) {
      await (await signUp(server, track, name, nick)).close();
    }
    const alice = person(server, "alice", await home());
    const bob = person(server, "bob", await home());
    for (const who of [alice, bob]) {
      exits(await who.run(["login", "--remember", who.username], `${PASSWORD}\n`), 0, `login ${who.username}`);
    }

    let conversationSeqs = 0;
    await t.step("two users befriend each other with add, requests and accept, then exchange messages", async () => {
      exits(await alice.run(["add", "bob", "from", "the", "lab"]), 0, "add");
      const listed = await bob.run(["requests", "--json"]);
      exits(listed, 0, "requests");
      const { requests } = JSON.parse(listed.stdout);
      assert.equal(requests.length, 1);
      assert.equal(requests[0].from.username, "alice");
      assert.equal(requests[0].note, "from the lab");
      const plain = await bob.run(["requests"]);
      assert.match(plain.stdout, /^Alice +alice +pending +from the lab$/m);

      const accepted = await bob.run(["accept", "alice"]);
      exits(accepted, 0, "accept");
      assert.match(accepted.stdout, /You and Alice \(alice\) are friends now/);
      const friends = JSON.parse((await alice.run(["contacts", "--json"])).stdout).contacts;
      assert.deepEqual(friends.map((f: { username: string }) => f.username), ["bob"]);
      const table = await alice.run(["contacts"]);
      assert.match(table.stdout, /^鲍勃 {2}bob {2}/m, "the Chinese nickname takes two columns per character");

      const sent = await alice.run(["send", "bob", "hello", "你好"]);
      exits(sent, 0, "send");
      assert.match(sent.stdout, /^Sent to 鲍勃 \(#1\)\.$/m);
      const piped = await alice.run(["send", "bob", "-"], "first line\nsecond line\n");
      exits(piped, 0, "send -");
      const reply = await bob.run(["send", "alice", "hi Alice", "--json"]);
      exits(reply, 0, "send --json");
      assert.equal(JSON.parse(reply.stdout).seq, 3);

      const read = await bob.run(["history", "alice", "--json", "--keep-unread"]);
      exits(read, 0, "history --json");
      const page = JSON.parse(read.stdout);
      assert.deepEqual(page.conversation.handle, "alice");
      assert.deepEqual(page.messages.map((m: { text: string }) => m.text), [
        "hello 你好",
        "first line\nsecond line",
        "hi Alice",
      ]);
      assert.equal(page.messages[0].sender.username, "alice");
      const shown = await bob.run(["history", "alice"]);
      assert.match(shown.stdout, /^#2 {2}\S+ \S+ {2}Alice: first line\n {4}second line$/m);
      conversationSeqs = 3;
    });

    await t.step("unread counts rise with messages from others and fall when history shows them", async () => {
      const count = async (who: Person) => JSON.parse((await who.run(["unread", "--json"])).stdout);
      assert.equal((await count(bob)).total, 0, "history without --keep-unread marked them read");
      assert.equal((await count(alice)).total, 1, "bob's reply waits for alice");
      exits(await bob.run(["send", "alice", "one more"]), 0, "send");
      conversationSeqs++;
      const before = await count(alice);
      assert.equal(before.total, 2);
      assert.deepEqual(before.conversations.map((c: { handle: string; unread: number }) => [c.handle, c.unread]), [
        ["bob", 2],
      ]);
      assert.match((await alice.run(["unread"])).stdout, /^2 {2}鲍勃 {2}bob$/m);
      exits(await alice.run(["history", "bob", "--limit", "1"]), 0, "history");
      assert.equal((await count(alice)).total, 0, "what was shown is read, up to the newest");
      assert.equal((await alice.run(["unread"])).stdout, "No unread messages.\n");
    });

    await t.step("an image sent with send-image is saved byte for byte with save-image", async () => {
      const image = await noisyPng(300, 300, 7);
      const file = `${alice.home}/photo.png`;
      await Deno.writeFile(file, image);
      const sent = await alice.run(["send-image", "bob", file, "--json"]);
      exits(sent, 0, "send-image");
      const { seq, blob } = JSON.parse(sent.stdout);
      conversationSeqs++;
      const sha = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(image)));
      assert.equal(blob, Array.from(sha, (b) => b.toString(16).padStart(2, "0")).join(""));

      const listed = await bob.run(["history", "alice", "--limit", "1"]);
      assert.match(
        listed.stdout,
        new RegExp(`^#${seq} .*Alice: \\[image image/png 300×300, ${image.length} bytes, blob ${blob}\\]$`, "m"),
      );
      const saved = await bob.run(["save-image", "alice", String(seq), "--json"]);
      exits(saved, 0, "save-image");
      const { path } = JSON.parse(saved.stdout);
      assert.equal(path, `${bob.home}/Downloads/mimi/${blob.slice(0, 16)}.png`, "the downloads folder by default");
      assert.deepEqual(await Deno.readFile(path), image);
      const chosen = `${bob.home}/copy.png`;
      exits(await bob.run(["save-image", "alice", String(seq), chosen]), 0, "save-image to a path");
      assert.deepEqual(await Deno.readFile(chosen), image);

      const notImage = await bob.run(["save-image", "alice", "1"]);
      exits(notImage, 2, "save-image of a text");
      assert.match(lastError(notImage), /message #1 is a text, not an image/);
    });

    await t.step("history pages back with --before and --limit without gaps or repeats", async () => {
      // Seeded through the SDK: the step is about paging, not about sending.
      const aliceSdk = track(connect(connectOptions(server, "tcp")));
      await aliceSdk.login("alice", PASSWORD);
      const bobId = aliceSdk.getSnapshot().contacts.find((c) => c.username === "bob")!;
      const conversation = aliceSdk.getSnapshot().conversations.find((c) => c.peer?.id === bobId.id)!;
      for (let i = 0; i < 17; i++) await aliceSdk.sendText(conversation.id, `paged ${i}`).done;
      await aliceSdk.close();
      const last = conversationSeqs + 17;

      const seen: number[] = [];
      let before: number | null = null;
      do {
        const args = ["history", "alice", "--json", "--limit", "6", ...(before ? ["--before", String(before)] : [])];
        const result = await bob.run(args);
        exits(result, 0, args.join(" "));
        const page = JSON.parse(result.stdout);
        seen.unshift(...page.messages.map((m: { seq: number }) => m.seq));
        assert.equal(page.before === null, !page.hasMore);
        before = page.before;
      } while (before !== null);
      assert.deepEqual(seen, Array.from({ length: last }, (_, i) => i + 1));
    });

    await t.step("rooms lists the lobby and a room; members, send and history work on the room by name", async () => {
      const owner = track(connect(connectOptions(server, "tcp")));
      await owner.login("alice", PASSWORD);
      const bobId = owner.getSnapshot().contacts.find((c) => c.username === "bob")!.id;
      const room = await owner.createRoom("读书会", { memberIds: [bobId] });
      await owner.close();

      const listed = await bob.run(["rooms", "--json"]);
      exits(listed, 0, "rooms");
      const { rooms } = JSON.parse(listed.stdout);
      assert.deepEqual(rooms.map((r: { handle: string; name: string }) => [r.handle, r.name]).slice(1), [
        [`#${room.id}`, "读书会"],
      ]);
      assert.equal(rooms[0].handle, "lobby");
      const members = await bob.run(["members", "读书会", "--json"]);
      exits(members, 0, "members");
      const names = JSON.parse(members.stdout).members.map((m: { username: string; role: string }) => m.username);
      assert.deepEqual(names.toSorted(), ["alice", "bob"]);
      exits(await bob.run(["send", `#${room.id}`, "大家好"]), 0, "send to a room by #id");
      const shown = await alice.run(["history", "读书会"]);
      exits(shown, 0, "history of a room");
      assert.match(shown.stdout, /\* 鲍勃 joined by Alice$/m);
      assert.match(shown.stdout, /鲍勃: 大家好$/m);
      exits(await alice.run(["send", "lobby", "hello everyone"]), 0, "send to the lobby");
      assert.match((await bob.run(["history", "lobby"])).stdout, /Alice: hello everyone$/m);
    });

    await t.step("refusals exit 1: the server's message for what it refuses, a non-friend named", async () => {
      const tooLong = await alice.run(["send", "bob", "x".repeat(4001)]);
      exits(tooLong, 1, "too long a text");
      assert.match(lastError(tooLong), /^mimi client: .*4000/);
      const again = await alice.run(["add", "bob"]);
      exits(again, 1, "add a friend again");
      assert.match(lastError(again), /^mimi client: .*friends/i);
      const stranger = await alice.run(["send", "carol", "hi"]);
      exits(stranger, 1, "send to a non-friend");
      assert.match(lastError(stranger), /Carol \(carol\) is not your friend.*add carol/);
      const nobody = await alice.run(["send", "nobody", "hi"]);
      exits(nobody, 1, "send to no such user");
      assert.match(lastError(nobody), /^mimi client: \S/);
    });

    await t.step("usage errors exit 2, no server exits 3, and --user signs in with a password from stdin", async () => {
      exits(await alice.run(["history"]), 2, "history without a conversation");
      exits(await alice.run(["history", "bob", "--limit", "0"]), 2, "--limit 0");
      exits(await alice.run(["send", "bob"]), 2, "send without text");
      const noDevice = await person(server, "x", await home()).run(["contacts"]);
      exits(noDevice, 2, "no remembered device and no --user");
      assert.match(lastError(noDevice), /--user <user>/);

      const env = taskEnv(alice.home, { MIMI_CLIENT_TCP_PORT: "1" });
      const down = await runTask("client", ["fingerprint"], { env });
      exits(down, 3, "no server");
      assert.match(lastError(down), /Cannot connect to 127\.0\.0\.1:1/);
      const byPassword = await runTask("client", ["unread", "--user", "alice"], { env, input: `${PASSWORD}\n` });
      exits(byPassword, 3, "no server, with a password");

      const withPassword = person(server, "alice", await home());
      const viaUser = await withPassword.run(["fingerprint", "--json"]);
      exits(viaUser, 0, "fingerprint");
      assert.equal(JSON.parse(viaUser.stdout).fingerprint, server.server.fingerprint);
      const unreadByPassword = await withPassword.run(["unread", "--user", "alice", "--json"], `${PASSWORD}\n`);
      exits(unreadByPassword, 0, "--user with the password on stdin");
      assert.equal(JSON.parse(unreadByPassword.stdout).total, 0);
    });
  } finally {
    for (const connection of connections) await connection.close();
    await server.close();
    for (const dir of homes) await Deno.remove(dir, { recursive: true });
  }
});

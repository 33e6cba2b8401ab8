// The interactive mode at a real terminal: `deno task client` with no command in a tmux pseudo-terminal against a
// real server, typed into as a user would, while the other users are driven through the SDK from the test.

import assert from "node:assert/strict";
import { textWidth } from "../cli/tui/width.ts";
import { connect, type MimiConnection } from "../core/client/mod.ts";
import { befriend, connectOptions, me, PASSWORD, signUp, until, withServer } from "./_sdk.ts";
import { noisyPng } from "./_images.ts";
import { startTestServer, type TestServer } from "./_harness.ts";
import { ROOT, shellQuote, taskEnv } from "./_task.ts";
import { TerminalSession, TMUX_MISSING } from "./_tmux.ts";

if (TMUX_MISSING) console.warn(`tui_test.ts: skipping the terminal tests: ${TMUX_MISSING}`);

/** What the pane prints after the client exits: its exit code and whether the terminal was left in raw mode. */
const DONE = /\[exit (\d+), tty (raw|sane)\]/;

/** The screen's lines, without the scrollback before the last full screen. */
function lines(screen: string): string[] {
  return screen.split("\n");
}

/** The display column where `part` starts on `line`. */
function columnOf(line: string, part: string): number {
  return textWidth(line.slice(0, line.indexOf(part)));
}

/** Starts `deno task client` (no command: the interactive mode) in a fresh 80x24 terminal against `server`. */
async function startClient(
  server: Pick<TestServer, "tcpPort">,
  home: string,
  extra: Record<string, string | undefined> = {},
): Promise<TerminalSession> {
  // A variable given as undefined is left out (NO_COLOR, which the task's environment sets).
  const env = { ...taskEnv(home, { MIMI_CLIENT_TCP_PORT: String(server.tcpPort) }), ...extra };
  const assignments = Object.entries(env).filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${shellQuote(value!)}`).join(" ");
  const client = [Deno.execPath(), "task", "client"].map(shellQuote).join(" ");
  const command = `cd ${shellQuote(ROOT)} && env -i TERM="$TERM" ${assignments} ${client}; code=$?; ` +
    `if stty -a | grep -Eq '(^| )-(icanon|echo)( |$)'; then tty=raw; else tty=sane; fi; ` +
    `printf '\\n[exit %s, tty %s]\\n' "$code" "$tty"; exec sleep 100000`;
  return await TerminalSession.start(command);
}

/**
 * Runs `body` against `deno task client` in a fresh home and 80x24 terminal (see {@link startClient}), then closes
 * the terminal and removes the home.
 *
 * @param env Extra variables for the client, made from the home's path.
 */
async function withClient(
  server: Pick<TestServer, "tcpPort">,
  body: (session: TerminalSession, home: string) => Promise<void>,
  env: (home: string) => Record<string, string | undefined> = () => ({}),
): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "mimi_home_" });
  try {
    const session = await startClient(server, home, env(home));
    try {
      await body(session, home);
    } finally {
      await session.close();
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** Where the client saves received images in a test's home. */
const downloadsOf = (home: string) => `${home}/dl`;

/** Waits until the screen shows `pattern`. */
function see(session: TerminalSession, pattern: RegExp): Promise<string> {
  return session.waitFor((screen) => pattern.test(screen), String(pattern));
}

/** Types a line and presses Enter. */
async function enter(session: TerminalSession, text: string): Promise<void> {
  await session.type(text);
  await session.press("Enter");
}

/** Signs in at the prompts that come before the screen. */
async function logIn(session: TerminalSession, username: string, remember = "n"): Promise<void> {
  await see(session, /^Username: /m);
  await enter(session, username);
  await see(session, /^Password: /m);
  await enter(session, PASSWORD);
  await see(session, /Stay signed in on this machine\?/);
  await enter(session, remember);
}

/** The text of the conversation with `id` that `connection` holds, all messages joined. */
function texts(connection: MimiConnection, id: number): string[] {
  return (connection.getSnapshot().messages[id]?.messages ?? []).map((m) => m.body.type === "text" ? m.body.text : "");
}

Deno.test({
  name: "the interactive mode logs in, lists friends aligned, sends a two-line message, shows the reply and redraws",
  ignore: !!TMUX_MISSING,
  async fn() {
    await withServer(async (server, track) => {
      const alice = await signUp(server, track, "alice", "Alice");
      const bob = await signUp(server, track, "bob", "鲍勃");
      const carol = await signUp(server, track, "carol", "Carol");
      const withBob = await befriend(alice, bob);
      const withCarol = await befriend(alice, carol);
      await bob.sendText(withBob, "你好 alice").done;
      await carol.sendText(withCarol, "hi from carol").done;
      // The terminal logs alice in; this connection would only be kicked by it.
      await alice.close();
      await withClient(server, async (session) => {
        await logIn(session, "alice");

        // The list: each friend with the unread count, the Chinese nickname's row as wide as the ASCII one's.
        let screen = await see(session, /鲍勃.*\(1\)[\s\S]*Carol.*\(1\)|Carol.*\(1\)[\s\S]*鲍勃.*\(1\)/);
        assert.match(screen, /Mimi · Alice \(alice\) · connected/);
        const bobRow = lines(screen).find((line) => line.includes("鲍勃"))!;
        const carolRow = lines(screen).find((line) => line.includes("Carol"))!;
        assert.equal(columnOf(bobRow, "(1)"), columnOf(carolRow, "(1)"), `counts line up:\n${screen}`);
        assert.equal(columnOf(bobRow, "│"), columnOf(carolRow, "│"), `the divider lines up:\n${screen}`);
        assert.equal(columnOf(bobRow, "│"), 24, "the list takes 24 of 80 columns");
        assert.match(screen, /Enter send · Ctrl\+J newline/);

        // Open bob's conversation by name: his message shows and its unread count goes.
        await enter(session, "/open bob");
        screen = await see(session, /鲍勃 \(bob\)[\s\S]*鲍勃: 你好 alice/);
        await session.waitFor(
          (text) => lines(text).some((line) => line.includes("鲍勃") && line.includes("│") && !line.includes("(1)")),
          "bob's unread count gone once his conversation is open",
        );

        // A two-line message: Ctrl+J makes the new line, Enter sends both lines as one message.
        await session.type("line one");
        await session.press("C-j");
        await session.type("line two 第二行");
        await see(session, /^> line one\s*\n\s+line two 第二行/m);
        await session.press("Enter");
        await until(bob, () => texts(bob, withBob).includes("line one\nline two 第二行"), "bob gets two lines");
        screen = await see(session, /me: line one\s*\n\s*│?\s+line two 第二行/);

        // Bob replies through the SDK; the reply arrives on the screen.
        await bob.sendText(withBob, "reply 回复 from bob").done;
        await see(session, /鲍勃: reply 回复 from bob/);

        // A bigger window: everything is drawn again to its size, the list wider, the rule as wide as the window.
        await session.resize(100, 30);
        screen = await session.waitFor(
          (text) => lines(text).some((line) => line === "─".repeat(100)),
          "the screen redrawn at 100 columns",
        );
        const wideRow = lines(screen).find((line) => line.includes("鲍勃") && line.includes("│"))!;
        assert.equal(columnOf(wideRow, "│"), 30, `the list takes 30 of 100 columns:\n${screen}`);
        assert.match(screen, /鲍勃: reply 回复 from bob/);
        assert.equal(lines(screen).filter((line) => line.startsWith("Mimi · ")).length, 1, "one status line");
        // And back to 80x24, the smallest size it is made for.
        await session.resize(80, 24);
        screen = await session.waitFor(
          (text) => lines(text).some((line) => line === "─".repeat(80)) && !text.includes("─".repeat(81)),
          "the screen redrawn at 80 columns",
        );
        assert.match(screen, /鲍勃: reply 回复 from bob/);

        await session.press("C-c");
        screen = await see(session, DONE);
        const [, code, tty] = screen.match(DONE)!;
        assert.equal(code, "0", screen);
        assert.equal(tty, "sane", "the terminal is left as it was");
      });
    });
  },
});

Deno.test({
  name: "the interactive mode answers a friend request, saves a received image, sends one, recalls, makes a group " +
    "and shows the kicked notice",
  ignore: !!TMUX_MISSING,
  async fn() {
    await withServer(async (server, track) => {
      const alice = await signUp(server, track, "alice", "Alice");
      const bob = await signUp(server, track, "bob", "鲍勃");
      const carol = await signUp(server, track, "carol", "Carol");
      const withBob = await befriend(alice, bob);
      await carol.sendFriendRequest(me(alice), "from work");
      await alice.close();
      await withClient(server, async (session, home) => {
        const downloads = downloadsOf(home);
        await logIn(session, "alice", "y");
        await see(session, /Friend requests \(1\)[\s\S]*\+ Carol \(carol\): from w/);

        // Accept: carol becomes a friend, and her conversation opens.
        await enter(session, "/accept carol");
        await until(carol, (s) => s.contacts.some((c) => c.username === "alice"), "carol has alice as a friend");
        await see(session, /You and Carol are friends now/);

        // An image from bob is saved to the downloads folder byte for byte, and the path is shown.
        const picture = await noisyPng(8, 8, 7);
        await bob.sendImage(withBob, picture).done;
        await enter(session, "/open bob");
        // The pane wraps a long path inside the word: its pieces, right of the divider, joined give it back.
        const pane = (text: string) => lines(text).map((line) => line.split("│")[1]?.trim() ?? "").join("");
        const screen = await session.waitFor((text) => /saved: \S+\.png/.test(pane(text)), "the saved path");
        const shown = pane(screen).match(/saved: (\S+?\.png)/)![1];
        assert.ok(shown.startsWith(`${downloads}/`), `saved under the downloads folder: ${shown}`);
        assert.deepEqual(await Deno.readFile(shown), picture);

        // An image from a path goes to bob; /recall takes it back.
        const mine = await noisyPng(6, 6, 9);
        await Deno.writeFile(`${home}/mine.png`, mine);
        await enter(session, `/image ${home}/mine.png`);
        const fromAlice = () =>
          bob.getSnapshot().messages[withBob]?.messages.filter((m) => m.senderId !== me(bob)).at(-1);
        await until(bob, () => fromAlice()?.body.type === "image", "bob gets alice's image");
        await see(session, /me: \[image 6×6/);
        await enter(session, "/recall");
        await until(bob, () => fromAlice()?.recalledAt !== null, "the image is recalled for bob too");
        await see(session, /me: \(recalled a message\)/);

        // A group with both friends; its members listed, online first.
        await enter(session, "/create team bob carol");
        await until(bob, (s) => s.rooms.some((r) => r.name === "team"), "bob is in the group");
        await see(session, /# team/);
        await enter(session, "/members");
        const members = await see(session, /Members \(online first\)/);
        for (const who of ["Alice (alice) · owner", "鲍勃 (bob)", "Carol (carol)"]) {
          assert.ok(members.includes(`│● ${who}`), `${who} listed online:\n${members}`);
        }

        // Alice logs in elsewhere: the terminal says its session ended, and does not reconnect.
        const other = track(connect(connectOptions(server, "tcp")));
        await other.login("alice", PASSWORD);
        await see(session, /logged in elsewhere/);
        assert.equal(other.getSnapshot().session.state, "signedIn");

        await session.press("C-c");
        const done = await see(session, DONE);
        assert.equal(done.match(DONE)![1], "0", done);
      }, (home) => ({ MIMI_CLIENT_DOWNLOADS_DIR: downloadsOf(home) }));
    });
  },
});

Deno.test({
  name: "the interactive mode resumes with the remembered device, and refuses a changed server key with exit 3",
  ignore: !!TMUX_MISSING,
  async fn() {
    await withServer(async (server, track) => {
      const alice = await signUp(server, track, "alice", "Alice");
      await alice.close();
      const home = await Deno.makeTempDir({ prefix: "mimi_home_" });
      try {
        const first = await startClient(server, home);
        try {
          await logIn(first, "alice", "y");
          await see(first, /Mimi · Alice \(alice\) · connected/);
          await first.press("C-c");
          await see(first, DONE);
        } finally {
          await first.close();
        }
        // The second start asks nothing: the device remembered by the first signs in.
        const second = await startClient(server, home);
        try {
          const screen = await see(second, /Mimi · Alice \(alice\) · connected|Username: /);
          assert.doesNotMatch(screen, /Username: /);
          await second.press("C-c");
          await see(second, DONE);
        } finally {
          await second.close();
        }
        // A different key pinned for the server: the client refuses to go on, says how to fix it, and exits 3.
        const pins = `${home}/.mimi/known_servers`;
        await Deno.writeTextFile(pins, `127.0.0.1:${server.tcpPort} SHA256:not-the-server-key\n`);
        const third = await startClient(server, home);
        try {
          const screen = await see(third, DONE);
          assert.match(screen, /Refused: The server at 127\.0\.0\.1:\d+ presented key/);
          assert.match(screen, /forget 127\.0\.0\.1:\d+/);
          assert.equal(screen.match(DONE)![1], "3", screen);
        } finally {
          await third.close();
        }
      } finally {
        await Deno.remove(home, { recursive: true });
      }
    });
  },
});

Deno.test({
  name: "the interactive mode watches the lobby while open, answers requests with reject and later, pages older " +
    "history with PgUp, and changes the nickname, lists devices and logs out",
  ignore: !!TMUX_MISSING,
  async fn() {
    await withServer(async (server, track) => {
      const alice = await signUp(server, track, "alice", "Alice");
      const bob = await signUp(server, track, "bob", "鲍勃");
      const dave = await signUp(server, track, "dave", "Dave");
      const erin = await signUp(server, track, "erin", "Erin");
      const withBob = await befriend(alice, bob);
      // More than the first page the client loads of a conversation (50): the oldest come with PgUp.
      for (let i = 1; i <= 60; i++) await bob.sendText(withBob, `old ${i}`).done;
      await dave.sendFriendRequest(me(alice), "hi");
      await erin.sendFriendRequest(me(alice), "hello");
      await alice.close();
      await withClient(server, async (session) => {
        await logIn(session, "alice", "y");
        // The lobby is pinned first, as number 0.
        await see(session, /Friend requests \(2\)[\s\S]*│?[\s\S]* 0 # Lobby/);

        // Reject dave; erin's request waits until the next login, marked so.
        await enter(session, "/reject dave");
        await see(session, /Rejected Dave's request/);
        await enter(session, "/later erin");
        await see(session, /Erin's request waits until your next login/);
        await see(session, /Friend requests \(1\)[\s\S]*\+ Erin \(erin\) \[later\]/);
        assert.doesNotMatch(await session.screen(), /\+ Dave/);

        // The lobby: opened, it is watched and shows a message from bob, and alice's message reaches him.
        await bob.watchLobby(true);
        const lobbyId = bob.getSnapshot().lobby!.conversationId;
        await enter(session, "/open lobby");
        await see(session, /# Lobby · \d+ online/);
        await bob.sendText(lobbyId, "hello lobby 大家好").done;
        await see(session, /鲍勃: hello lobby 大家好/);
        await enter(session, "hi from the terminal");
        await until(bob, () => texts(bob, lobbyId).includes("hi from the terminal"), "bob reads alice in the lobby");
        // Leaving the lobby stops the watch: what bob says there next does not reach the terminal's screen.
        await enter(session, "/open bob");
        await see(session, /鲍勃 \(bob\)/);
        await bob.sendText(lobbyId, "said while alice is away").done;

        // PgUp goes back through the history, fetching the oldest messages the first page did not hold.
        await see(session, /鲍勃: old 60/);
        // PgUp until the first message shows: a press at the top while a page is on its way scrolls nothing, so the
        // key is pressed again on each look at the screen rather than a fixed number of times.
        let screen = await session.screen();
        for (const giveUp = Date.now() + 60_000; !/鲍勃: old 1\s*$/m.test(screen) && Date.now() < giveUp;) {
          await session.press("PPage");
          screen = await session.screen();
        }
        screen = await see(session, /鲍勃: old 1\s*$/m);
        assert.match(screen, /鲍勃: old 2\s*$/m);

        // Account: a new nickname shows in the status line; the devices list this one; logout leaves with 0.
        await enter(session, "/nick 小爱");
        await see(session, /Mimi · 小爱 \(alice\)/);
        await enter(session, "/devices");
        await see(session, /Remembered devices[\s\S]*\(this device\) Terminal/);
        await enter(session, "/logout");
        screen = await see(session, DONE);
        assert.equal(screen.match(DONE)![1], "0", screen);
        assert.doesNotMatch(screen, /said while alice is away/);
      });
    });
  },
});

Deno.test({
  name: "the interactive mode shows reconnecting while its server restarts and connected after; colours on a " +
    "colour terminal, none with NO_COLOR",
  ignore: !!TMUX_MISSING,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "mimi_restart_" });
    const home = await Deno.makeTempDir({ prefix: "mimi_home_" });
    let server = await startTestServer([], { dataDir });
    const ports = [`--server.tcpPort=${server.tcpPort}`, `--server.httpPort=${server.httpPort}`];
    const connections: MimiConnection[] = [];
    const plain = await startClient(server, home);
    let colored: TerminalSession | undefined;
    try {
      const alice = await signUp(server, (c) => (connections.push(c), c), "alice", "Alice");
      await alice.close();
      await logIn(plain, "alice", "y");
      await see(plain, /Mimi · Alice \(alice\) · connected/);
      // NO_COLOR: the screen carries no colour or attribute at all.
      // An SGR escape that sets something (not a bare reset): ESC, "[", parameters with a non-zero digit, "m".
      const escapes = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[1-9][0-9;]*m`);
      assert.doesNotMatch(await plain.screen(true), escapes, "no colours with NO_COLOR");

      // The server goes away: the status line says so; back on the same ports and data, the client is connected again.
      await server.close();
      await see(plain, /reconnecting \(attempt \d+\)/);
      server = await startTestServer(ports, { dataDir });
      await see(plain, /Mimi · Alice \(alice\) · connected/);
      await plain.press("C-c");
      await see(plain, DONE);

      // Without NO_COLOR on a terminal that has colours, the status line is drawn inverse and the rule dim.
      colored = await startClient(server, home, { NO_COLOR: undefined });
      await see(colored, /Mimi · Alice \(alice\) · connected/);
      const screen = await colored.screen(true);
      assert.match(screen, escapes, `colours on:\n${screen}`);
      await colored.press("C-c");
      await see(colored, DONE);
    } finally {
      await plain.close();
      await colored?.close();
      for (const connection of connections) await connection.close();
      await server.close();
      await Deno.remove(dataDir, { recursive: true });
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "the interactive mode lists public groups, joins by code, invites, shows and rotates the invite code, keeps " +
    "members' presence live, and runs the owner's rename, kick, transfer, leave and confirmed delete, unfriend and block",
  ignore: !!TMUX_MISSING,
  async fn() {
    await withServer(async (server, track) => {
      const alice = await signUp(server, track, "alice", "Alice");
      const bob = await signUp(server, track, "bob", "鲍勃");
      const carol = await signUp(server, track, "carol", "Carol");
      const dave = await signUp(server, track, "dave", "Dave");
      for (const friend of [bob, carol, dave]) await befriend(alice, friend);
      const club = await bob.createRoom("club", { public: true });
      const clubCode = await bob.roomInviteCode(club.id);
      await alice.close();
      await withClient(server, async (session) => {
        await logIn(session, "alice");
        await see(session, /Mimi · Alice \(alice\) · connected/);

        // The public groups, then bob's club joined with the code he gave.
        await enter(session, "/rooms");
        await see(session, /Public groups[\s\S]*club · 1 member/);
        await enter(session, `/join ${clubCode}`);
        await see(session, /Joined club/);
        await until(bob, (s) => s.conversations.some((c) => c.roomId === club.id), "bob's club");

        // A group of alice's with bob; carol invited; the code shown (and kept), dave joins with it.
        await enter(session, "/create team bob");
        await see(session, /# team/);
        await enter(session, "/invite carol");
        await see(session, /1 joined the group/);
        await enter(session, "/code");
        let screen = await see(session, /Code for team: (\S+) \(old ones stop working\)/);
        const code = screen.match(/Code for team: (\S+)/)![1];
        await enter(session, "/code");
        await see(session, new RegExp(`Code for team: ${code} \\(/code new rotates\\)`));
        await dave.joinRoomByCode(code);
        await enter(session, "/code new");
        await session.waitFor((text) => {
          const shown = text.match(/Code for team: (\S+) \(old ones stop working\)/);
          return shown !== null && shown[1] !== code;
        }, "a new code");

        // Members, online first, kept live: dave goes offline and moves below the others.
        await enter(session, "/members");
        await see(session, /Members \(online first\) · 4 online[\s\S]*│● Dave \(dave\)/);
        await dave.close();
        screen = await see(session, /Members \(online first\) · 3 online[\s\S]*│○ Dave \(dave\)/);
        const rows = lines(screen).filter((line) => /│[●○] /.test(line)).map((line) => line.split("│")[1][0]);
        assert.deepEqual(rows, ["●", "●", "●", "○"], `online first:\n${screen}`);
        await session.press("Escape");
        // Typed at once, Escape and the next key would read as one Alt key: the pane goes back first.
        await session.waitFor((text) => !text.includes("Members (online first)"), "the group's conversation again");

        // The owner's tools.
        await enter(session, "/rename team2");
        await see(session, /team is now team2/);
        await until(bob, (s) => s.rooms.some((r) => r.name === "team2"), "bob sees the new name");
        await enter(session, "/kick carol");
        await see(session, /Removed carol from team2/);
        await until(carol, (s) => !s.rooms.some((r) => r.name.startsWith("team")), "carol is out");
        await enter(session, "/delete");
        await see(session, /This deletes team2 and its history for everyone: type \/delete team2 to confirm/);
        await enter(session, "/transfer bob");
        await see(session, /bob owns team2 now/);
        await until(bob, (s) => s.rooms.find((r) => r.name === "team2")?.ownerId === me(bob), "bob owns it");
        await enter(session, "/leave");
        await see(session, /You left team2/);

        // A group deleted once its name is typed again.
        await enter(session, "/create solo");
        await see(session, /# solo/);
        await enter(session, "/delete solo");
        await see(session, /Deleted solo/);

        // Friends: carol unfriended, then blocked.
        await enter(session, "/unfriend carol");
        await see(session, /Carol \(carol\) is no longer your friend/);
        await until(carol, (s) => !s.contacts.some((c) => c.username === "alice"), "carol lost alice");
        await enter(session, "/block carol");
        await see(session, /Blocked carol/);

        await session.press("C-c");
        assert.equal((await see(session, DONE)).match(DONE)![1], "0");
      });
    });
  },
});

// The interactive mode at a real terminal: `deno task client` with no command in a tmux pseudo-terminal against a
// real server, typed into as a user would, while the other users are driven through the SDK from the test.

import assert from "node:assert/strict";
import { textWidth } from "../cli/tui/width.ts";
import { connect, type MimiConnection } from "../core/client/mod.ts";
import { befriend, connectOptions, me, PASSWORD, signUp, until, withServer } from "./_sdk.ts";
import { noisyPng } from "./_images.ts";
import type { TestServer } from "./_harness.ts";
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
  server: TestServer,
  home: string,
  extra: Record<string, string> = {},
): Promise<TerminalSession> {
  const env = taskEnv(home, { MIMI_CLIENT_TCP_PORT: String(server.tcpPort), ...extra });
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`).join(" ");
  const client = [Deno.execPath(), "task", "client"].map(shellQuote).join(" ");
  const command = `cd ${shellQuote(ROOT)} && env -i TERM="$TERM" ${assignments} ${client}; code=$?; ` +
    `if stty -a | grep -Eq '(^| )-(icanon|echo)( |$)'; then tty=raw; else tty=sane; fi; ` +
    `printf '\\n[exit %s, tty %s]\\n' "$code" "$tty"; exec sleep 100000`;
  return await TerminalSession.start(command);
}

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
      const home = await Deno.makeTempDir({ prefix: "mimi_home_" });
      const session = await startClient(server, home);
      try {
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
      } finally {
        await session.close();
        await Deno.remove(home, { recursive: true });
      }
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
      const home = await Deno.makeTempDir({ prefix: "mimi_home_" });
      const downloads = `${home}/dl`;
      const session = await startClient(server, home, { MIMI_CLIENT_DOWNLOADS_DIR: downloads });
      try {
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
      } finally {
        await session.close();
        await Deno.remove(home, { recursive: true });
      }
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

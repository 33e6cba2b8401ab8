// The lobby in real Chromium: the pinned entry with the online count, two users talking there (one in the page, one
// over TCP with the SDK) in text and images, history when it opens, and the count following users who come and go.

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { MimiConnection } from "../core/client/mod.ts";
import { noisyPng } from "./_images.ts";
import { logIn, logInOverTcp, openTab, pageUrl, seedUsers, webTest } from "./_browser.ts";
import { me, until } from "./_sdk.ts";

/** Waits until the connection holds a lobby message whose text is `text`. */
function heard(connection: MimiConnection, text: string): Promise<void> {
  return until(connection, (state) => {
    const lobby = state.lobby;
    return lobby !== null &&
      (state.messages[lobby.conversationId]?.messages.some((m) => m.body.type === "text" && m.body.text === text) ??
        false);
  }, `the lobby message "${text}" arrives`);
}

webTest(
  "two users talk in the lobby, pinned atop the chats with its online count, which follows who comes and goes",
  async (server, browser) => {
    await seedUsers(server, [["alice", "Alice"], ["bob", "Bob"], ["carol", "Carol"]]);
    const bob = await logInOverTcp(server, "bob");
    await bob.watchLobby(true);
    const lobbyId = bob.getSnapshot().lobby!.conversationId;
    await bob.sendText(lobbyId, "hello, anyone here?").done;

    const { page, errors } = await openTab(browser, pageUrl(server));
    await logIn(page, "alice");
    const entry = page.getByTestId("conversation-lobby");
    // Learnt at sign-in without watching: Alice and Bob are online.
    await entry.getByTestId("lobby-online").filter({ hasText: "2 online" }).waitFor();
    assert.equal(await entry.locator(".unread").count(), 0, "the lobby has no unread badge");

    await entry.click();
    const pane = page.getByTestId("chat-pane");
    await pane.getByRole("heading", { name: "Lobby" }).waitFor();
    await pane.getByTestId("text").filter({ hasText: "hello, anyone here?" }).waitFor();

    const box = pane.getByTestId("composer");
    await box.fill("hi Bob\nAlice here");
    await box.press("Control+Enter");
    await heard(bob, "hi Bob\nAlice here");
    await bob.sendText(lobbyId, "welcome!").done;
    await pane.getByTestId("text").filter({ hasText: "welcome!" }).waitFor();
    // A stranger in the Lobby is named by the server with each message (PROTOCOL.md §14.2), not by a number.
    await pane.getByText("Bob", { exact: true }).first().waitFor();
    assert.equal(await pane.getByText(`User ${me(bob)}`).count(), 0, "no stranger shows as a number");

    await pane.getByTestId("image-input").setInputFiles({
      name: "noise.png",
      mimeType: "image/png",
      buffer: Buffer.from(await noisyPng(64, 48, 3)),
    });
    await page.getByTestId("image-preview").getByRole("button", { name: "Send image" }).click();
    await until(
      bob,
      (state) => state.messages[lobbyId]?.messages.some((m) => m.body.type === "image") ?? false,
      "bob sees the image in the lobby",
    );

    // Watching, the page hears the count change: Carol comes, then Bob goes.
    const carol = await logInOverTcp(server, "carol");
    await pane.getByTestId("chat-presence").filter({ hasText: "3 online" }).waitFor();
    await carol.logout();
    await carol.close();
    await pane.getByTestId("chat-presence").filter({ hasText: "2 online" }).waitFor();

    // Closing the lobby stops watching; opening it again shows what was said meanwhile, from history.
    await page.getByRole("button", { name: "Profile and devices" }).click();
    await bob.sendText(lobbyId, "said while you were away").done;
    await entry.click();
    await pane.getByTestId("text").filter({ hasText: "said while you were away" }).waitFor();
    assert.deepEqual(errors, []);
    await bob.close();
  },
  { flags: ["--server.lobbyCountIntervalMs=200"] },
);

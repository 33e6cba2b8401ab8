// The web client's languages in real Chromium: a Chinese browser gets the page in Chinese from the server's first
// answer, and a switch to English sticks across a reload (the server renders the page in the chosen language); the
// signed-in screens (the chat list, a chat, the requests, the lobby) read in Chinese too.

import assert from "node:assert/strict";
import {
  connected,
  friendsOverTcp,
  LOGIN_MS,
  logInOverTcp,
  openTab,
  pageUrl,
  PASSWORD,
  seedUsers,
  webTest,
} from "./_browser.ts";

webTest(
  "a zh-CN browser gets the sign-in page in Chinese, and a switch to English sticks across a reload",
  async (server, browser) => {
    // No script yet: the server's HTML is already in the browser's language.
    const { page, errors } = await openTab(browser, pageUrl(server), { locale: "zh-CN", connected: false });
    assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
    await connected(page);
    await page.getByRole("heading", { name: "登录" }).waitFor();
    assert.equal(await page.getByLabel("用户名").count(), 1);
    assert.equal(await page.getByTestId("status").textContent(), "已连接");
    await page.getByRole("button", { name: "注册账号", exact: true }).click();
    await page.getByLabel("用户名").fill("张三");
    await page.getByText("用户名由 3 到 32 个字母、数字、_ . 或 - 组成").waitFor();

    await page.getByLabel("语言").selectOption("en");
    await page.getByRole("heading", { name: "Create an account" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "en");

    await page.reload();
    assert.equal(await page.locator("html").getAttribute("lang"), "en", "the server rendered the chosen language");
    await connected(page);
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    assert.equal(await page.getByLabel("Language").inputValue(), "en");
    assert.equal(await page.getByTestId("status").textContent(), "connected");
    assert.deepEqual(errors, []);
  },
);

webTest(
  "a zh-CN browser reads the chat list, a chat, the friend requests and the lobby in Chinese",
  async (server, browser) => {
    const { conversationId, first: alice, second: bob } = await friendsOverTcp(server, ["alice", "爱丽丝"], [
      "bob",
      "鲍勃",
    ]);
    await bob.sendText(conversationId, "晚上好\n吃饭了吗？").done;
    await Promise.all([alice.close(), bob.close()]);
    // A third user asks Alice to be friends, so the requests panel has something to read.
    await seedUsers(server, [["carol", "卡罗尔"]]);
    const carol = await logInOverTcp(server, "carol");
    await carol.sendFriendRequest((await carol.findUser("alice")).id, "我是卡罗尔");

    const { page, errors } = await openTab(browser, pageUrl(server), { locale: "zh-CN" });
    await page.getByLabel("用户名").fill("alice");
    await page.getByLabel("密码", { exact: true }).fill(PASSWORD);
    await page.getByLabel("密码", { exact: true }).press("Enter");
    await page.getByTestId("me").waitFor({ timeout: LOGIN_MS });
    assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");

    await page.getByRole("heading", { name: /^聊天/ }).waitFor();
    await page.getByTestId("conversation-lobby").filter({ hasText: "大厅" }).waitFor();
    const item = page.getByTestId(`conversation-${conversationId}`);
    await item.getByTestId("unread").filter({ hasText: "1" }).waitFor();
    assert.equal(await item.getByTestId("preview").textContent(), "晚上好 吃饭了吗？");

    await item.click();
    const pane = page.getByTestId("chat-pane");
    await pane.getByRole("heading", { name: "鲍勃" }).waitFor();
    await pane.getByText("这是聊天的开始。").waitFor();
    await pane.getByRole("button", { name: "发送", exact: true }).waitFor();
    assert.equal(await pane.getByTestId("composer").getAttribute("placeholder"), "消息");

    await page.getByRole("heading", { name: "好友请求" }).waitFor();
    const request = page.getByTestId("request-carol");
    await request.getByRole("button", { name: "接受 卡罗尔" }).waitFor();
    await request.getByRole("button", { name: "拒绝" }).waitFor();
    await request.getByRole("button", { name: "稍后" }).waitFor();
    await page.getByTestId("request-notice").filter({ hasText: "卡罗尔 想加你为好友" }).waitFor();

    await page.getByTestId("conversation-lobby").click();
    await pane.getByRole("heading", { name: "大厅" }).waitFor();
    await pane.getByTestId("chat-presence").filter({ hasText: "人在线" }).waitFor();
    assert.deepEqual(errors, []);
    await carol.close();
  },
);

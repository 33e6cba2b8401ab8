// The web client's languages in real Chromium: a Chinese browser gets the page in Chinese from the server's first
// answer, and a switch to English sticks across a reload (the server renders the page in the chosen language).

import assert from "node:assert/strict";
import { connected, openTab, pageUrl, webTest } from "./_browser.ts";

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

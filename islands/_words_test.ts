import assert from "node:assert/strict";
import { KickedError, ProtocolError, TransportError } from "../core/client/mod.ts";
import { deviceName, errorText, ruleText, timeAgo } from "./_words.ts";

Deno.test("errorText() says wrong credentials without telling which one", () => {
  assert.equal(errorText(new ProtocolError("credentials_wrong", "x")), "Wrong username or password");
});

Deno.test("errorText() says when to try again after throttling, in whole seconds", () => {
  assert.equal(errorText(new ProtocolError("throttled", "x", 1500)), "Too many attempts, try again in 2 s");
  assert.equal(errorText(new ProtocolError("throttled", "x")), "Too many attempts, try again in 1 s");
});

Deno.test("errorText() says minutes for waits of two minutes or more", () => {
  assert.equal(errorText(new ProtocolError("throttled", "x", 119_000)), "Too many attempts, try again in 119 s");
  assert.equal(errorText(new ProtocolError("throttled", "x", 15 * 60_000)), "Too many attempts, try again in 15 min");
  assert.equal(
    errorText(new ProtocolError("rate_limited", "x", 30 * 60_000 + 1)),
    "Too many new accounts for now, try again in 31 min",
  );
});

Deno.test("errorText() says what a closed or invite-only registration needs", () => {
  assert.equal(errorText(new ProtocolError("registration_closed", "x")), "This server does not accept new accounts");
  assert.match(errorText(new ProtocolError("invite_required", "x")), /^This server needs an invite code/);
  assert.equal(errorText(new ProtocolError("invite_invalid", "x")), "This invite code is unknown, used or expired");
});

Deno.test("errorText() keeps the server's sentence for invalid names and unknown codes", () => {
  assert.equal(
    errorText(new ProtocolError("nickname_invalid", "A nickname is 1 to 32 characters")),
    "A nickname is 1 to 32 characters",
  );
  assert.equal(errorText(new ProtocolError("from_the_future", "Something new")), "Something new");
});

Deno.test("errorText() says a lost connection is one", () => {
  assert.match(
    errorText(new TransportError("lost", "Connection lost (1006)")),
    /^The connection to the server was lost/,
  );
});

Deno.test("timeAgo() says just now under a minute, then the largest whole unit", () => {
  const now = Date.UTC(2026, 0, 10, 12);
  assert.equal(timeAgo(now - 59_000, now), "just now");
  assert.equal(timeAgo(now + 5_000, now), "just now", "a clock slightly ahead is not the future");
  assert.equal(timeAgo(now - 5 * 60_000, now), "5 minutes ago");
  assert.equal(timeAgo(now - 3 * 3600_000, now), "3 hours ago");
  assert.equal(timeAgo(now - 30 * 3600_000, now), "yesterday");
  assert.equal(timeAgo(now - 10 * 24 * 3600_000, now), "last week");
});

Deno.test("errorText() says in words why the server ended a connection", () => {
  assert.match(errorText(new ProtocolError("too_many_connections", "x")), /^Too many connections from your network/);
  assert.match(errorText(new ProtocolError("server_shutdown", "x")), /shutting down, try again in a moment$/);
  assert.match(errorText(new ProtocolError("timeout", "x")), /went quiet/);
});

Deno.test("errorText() says an unreachable server is one, and a kick why it happened", () => {
  assert.equal(errorText(new TransportError("connect_failed", "x")), "The server cannot be reached");
  const at = { at: 1, address: "10.0.0.2" };
  assert.match(errorText(new KickedError({ ...at, reason: "elsewhere" })), /logged in elsewhere/);
  assert.equal(
    errorText(new KickedError({ ...at, reason: "revoked" })),
    "This device was signed out from another session",
  );
  assert.equal(errorText(new KickedError({ ...at, reason: "revoked", ownRevoke: true })), "You signed this device out");
});

Deno.test("deviceName() names the browser and the system, or says web browser", () => {
  const chromeLinux =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36";
  assert.equal(deviceName(chromeLinux), "Chrome on Linux");
  assert.equal(
    deviceName("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"),
    "Firefox on Windows",
  );
  assert.equal(
    deviceName(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
    ),
    "Safari on iOS",
  );
  assert.equal(deviceName(""), "Web browser");
});

Deno.test("errorText() speaks Chinese when asked, and keeps the wait's figure", () => {
  assert.equal(errorText(new ProtocolError("credentials_wrong", "x"), "zh-CN"), "用户名或密码错误");
  assert.equal(errorText(new ProtocolError("throttled", "x", 1500), "zh-CN"), "尝试次数太多，请 2 秒后再试");
  assert.equal(errorText(new TransportError("connect_failed", "x"), "zh-CN"), "无法连接到服务器");
});

Deno.test("errorText() says the friend and room refusals in words", () => {
  assert.equal(errorText(new ProtocolError("already_friends", "x")), "You are friends already");
  assert.equal(errorText(new ProtocolError("room_code_invalid", "x"), "zh-CN"), "这个群邀请码无效或已失效");
});

Deno.test("timeAgo() says just now in the language, then relative times through Intl", () => {
  const now = Date.UTC(2026, 0, 10, 12);
  assert.equal(timeAgo(now - 1_000, now, "zh-CN"), "刚刚");
  assert.equal(timeAgo(now - 5 * 60_000, now, "zh-CN"), "5分钟前");
});

Deno.test("deviceName() names the browser and system in Chinese too", () => {
  const chromeLinux =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36";
  assert.equal(deviceName(chromeLinux, "zh-CN"), "Linux 上的 Chrome");
  assert.equal(deviceName("", "zh-CN"), "网页浏览器");
});

Deno.test("ruleText() says the SDK's input rules in Chinese, and any other sentence as it came", () => {
  assert.equal(
    ruleText("A username is 3 to 32 letters, digits, _ . or -", "zh-CN"),
    "用户名由 3 到 32 个字母、数字、_ . 或 - 组成",
  );
  assert.equal(
    ruleText("A username is 3 to 32 letters, digits, _ . or -", "en"),
    "A username is 3 to 32 letters, digits, _ . or -",
  );
  assert.equal(ruleText("Something new", "zh-CN"), "Something new");
});

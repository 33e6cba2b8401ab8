import assert from "node:assert/strict";
import { localeOfRequest } from "./_locale.ts";

Deno.test("localeOfRequest() follows Accept-Language without a cookie", () => {
  assert.equal(localeOfRequest(null, "zh-CN,zh;q=0.9,en;q=0.8"), "zh-CN");
  assert.equal(localeOfRequest("other=1", "en-US,en;q=0.9"), "en");
  assert.equal(localeOfRequest(null, null), "en");
});

Deno.test("localeOfRequest() lets the cookie's choice win over Accept-Language", () => {
  assert.equal(localeOfRequest("a=b; mimi_locale=en", "zh-CN"), "en");
  assert.equal(localeOfRequest("mimi_locale=zh-CN", "en"), "zh-CN");
});

Deno.test("localeOfRequest() ignores a cookie naming no supported language", () => {
  assert.equal(localeOfRequest("mimi_locale=fr", "zh-CN"), "zh-CN");
  assert.equal(localeOfRequest("mimi_locale=%E0%A4%A", "zh"), "zh-CN");
});

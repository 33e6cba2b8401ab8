import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { h } from "preact";
import {
  acceptedLanguages,
  clockTime,
  dayLabel,
  defineWords,
  isLocale,
  LocaleContext,
  pickLocale,
  timeAgoIn,
  useWords,
} from "./_i18n.ts";

Deno.test("pickLocale() gives zh-CN to any Chinese tag and English otherwise", () => {
  assert.equal(pickLocale(["zh-CN"]), "zh-CN");
  assert.equal(pickLocale(["zh-TW", "en"]), "zh-CN");
  assert.equal(pickLocale(["zh_Hans"]), "zh-CN");
  assert.equal(pickLocale(["fr", "en-GB", "zh"]), "en");
  assert.equal(pickLocale(["fr", "de"]), "en");
  assert.equal(pickLocale([]), "en");
});

Deno.test("acceptedLanguages() orders tags by weight, keeps header order on ties and drops q=0", () => {
  assert.deepEqual(acceptedLanguages("en;q=0.5, zh-CN, fr;q=0, de;q=0.5"), ["zh-CN", "en", "de"]);
  assert.deepEqual(acceptedLanguages(null), []);
  assert.deepEqual(acceptedLanguages(" , ;q=1"), []);
  assert.equal(pickLocale(acceptedLanguages("zh-CN,zh;q=0.9,en;q=0.8")), "zh-CN");
});

Deno.test("isLocale() accepts only the supported languages", () => {
  assert.ok(isLocale("en"));
  assert.ok(isLocale("zh-CN"));
  assert.ok(!isLocale("zh"));
  assert.ok(!isLocale(undefined));
});

Deno.test("useWords() reads the catalog in the language the context provides", () => {
  const words = defineWords({
    en: { hello: "Hello", n: (n: number) => `${n} new` },
    "zh-CN": { hello: "你好", n: (n: number) => `${n} 条新消息` },
  });
  const Greeting = () => {
    const w = useWords(words);
    return h("p", null, `${w.hello} ${w.n(2)}`);
  };
  assert.equal(renderToString(h(Greeting, null)), "<p>Hello 2 new</p>");
  assert.equal(
    renderToString(h(LocaleContext.Provider, { value: "zh-CN" }, h(Greeting, null))),
    "<p>你好 2 条新消息</p>",
  );
});

Deno.test("timeAgoIn() speaks the language and says now under a minute", () => {
  const now = Date.UTC(2026, 10, 30, 12);
  assert.equal(timeAgoIn("en", now - 5 * 60_000, now), "5 minutes ago");
  assert.equal(timeAgoIn("zh-CN", now - 5 * 60_000, now), "5分钟前");
  assert.equal(timeAgoIn("en", now - 24 * 3600_000, now), "yesterday");
  assert.equal(timeAgoIn("zh-CN", now - 24 * 3600_000, now), "昨天");
  assert.equal(timeAgoIn("en", now - 10_000, now), "now");
  assert.equal(timeAgoIn("zh-CN", now - 10_000, now), "现在");
});

Deno.test("clockTime() and dayLabel() format in the language and the given time zone", () => {
  const at = Date.UTC(2026, 10, 30, 14, 5);
  assert.match(clockTime("en", at, "UTC"), /^2:05\sPM$/);
  assert.match(clockTime("zh-CN", at, "UTC"), /14:05/);
  assert.equal(dayLabel("en", at, "UTC"), "Monday, November 30, 2026");
  assert.equal(dayLabel("zh-CN", at, "UTC"), "2026年11月30日星期一");
});

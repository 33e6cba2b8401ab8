// What the web client says about errors, times and this browser: errors in words, times relative to now, and the name
// a remembered browser goes by, in every language of islands/_i18n.ts.

import { DeviceKeyStoreError, HandshakeError, KickedError, ProtocolError, TransportError } from "../core/client/mod.ts";
import { defineWords, type Locale, timeAgoIn } from "./_i18n.ts";

/** A wait in whole seconds (under two minutes) or whole minutes, never less than 1 s. */
type Wait = { seconds: number } | { minutes: number };

const wait = (ms: number | undefined): Wait => {
  const seconds = Math.max(1, Math.ceil((ms ?? 0) / 1000));
  return seconds < 120 ? { seconds } : { minutes: Math.ceil(seconds / 60) };
};

/** The error phrases; a function takes what the phrase names. */
export const ERROR_WORDS = defineWords({
  en: {
    wait: (w: Wait) => "seconds" in w ? `${w.seconds} s` : `${w.minutes} min`,
    credentialsWrong: "Wrong username or password",
    throttled: (w: string) => `Too many attempts, try again in ${w}`,
    usernameTaken: "This username is taken, choose another",
    notLoggedIn: "You are not logged in any more, log in again",
    rateLimited: (w: string) => `Too many new accounts for now, try again in ${w}`,
    friendRateLimited: (w: string) => `Too many requests for now, try again in ${w}`,
    registrationClosed: "This server does not accept new accounts",
    inviteRequired: "This server needs an invite code to register: ask its operator for one",
    inviteInvalid: "This invite code is unknown, used or expired",
    serverBusy: "The server is busy, try again later",
    tooManyConnections: "Too many connections from your network, close some tabs or try again later",
    serverShutdown: "The server is restarting or shutting down, try again in a moment",
    timeout: "The connection went quiet and the server closed it",
    internal: "The server failed, try again later",
    notFound: "Not found: no such user, room or request",
    notAllowed: "You are not allowed to do that",
    alreadyFriends: "You are friends already",
    alreadyRequested: "You have asked already: wait for the answer",
    roomCodeInvalid: "This room code is unknown or no longer valid",
    connectFailed: "The server cannot be reached",
    lost: (detail: string) => `The connection to the server was lost (${detail})`,
    ownRevoke: "You signed this device out",
    revoked: "This device was signed out from another session",
    elsewhere: "Your account logged in elsewhere, log in again",
    handshake: (detail: string) => `The secure connection failed: ${detail}`,
    deviceKeyStore: (detail: string) => `This browser cannot keep the device's key (${detail})`,
    justNow: "just now",
    on: (browser: string, system: string) => `${browser} on ${system}`,
    webBrowser: "Web browser",
  },
  "zh-CN": {
    wait: (w: Wait) => "seconds" in w ? `${w.seconds} 秒` : `${w.minutes} 分钟`,
    credentialsWrong: "用户名或密码错误",
    throttled: (w: string) => `尝试次数太多，请 ${w}后再试`,
    usernameTaken: "这个用户名已被占用，请换一个",
    notLoggedIn: "你已不在登录状态，请重新登录",
    rateLimited: (w: string) => `新注册的账号太多，请 ${w}后再试`,
    friendRateLimited: (w: string) => `请求太频繁，请 ${w}后再试`,
    registrationClosed: "这个服务器不接受新账号",
    inviteRequired: "在这个服务器注册需要邀请码：请向服务器管理员索取",
    inviteInvalid: "邀请码无效、已被使用或已过期",
    serverBusy: "服务器繁忙，请稍后再试",
    tooManyConnections: "你所在网络的连接太多，请关闭一些标签页或稍后再试",
    serverShutdown: "服务器正在重启或关闭，请稍后再试",
    timeout: "连接长时间没有活动，服务器已将其关闭",
    internal: "服务器出错，请稍后再试",
    notFound: "找不到：没有这个用户、群或请求",
    notAllowed: "你无权这样做",
    alreadyFriends: "你们已经是好友了",
    alreadyRequested: "你已经发过请求了，请等待对方回复",
    roomCodeInvalid: "这个群邀请码无效或已失效",
    connectFailed: "无法连接到服务器",
    lost: (detail: string) => `与服务器的连接已断开（${detail}）`,
    ownRevoke: "你已让这台设备退出登录",
    revoked: "这台设备已在另一个会话中被退出登录",
    elsewhere: "你的账号在别处登录了，请重新登录",
    handshake: (detail: string) => `安全连接失败：${detail}`,
    deviceKeyStore: (detail: string) => `这个浏览器无法保存设备密钥（${detail}）`,
    justNow: "刚刚",
    on: (browser: string, system: string) => `${system} 上的 ${browser}`,
    webBrowser: "网页浏览器",
  },
});

/**
 * Says what went wrong in words a user understands.
 *
 * @param error What a request or the connection rejected with.
 * @param locale The language; English by default.
 * @returns One sentence without a final period.
 */
export function errorText(error: unknown, locale: Locale = "en"): string {
  const w = ERROR_WORDS[locale];
  if (error instanceof ProtocolError) {
    switch (error.code) {
      case "credentials_wrong":
        return w.credentialsWrong;
      case "throttled":
        return w.throttled(w.wait(wait(error.retryAfterMs)));
      case "username_taken":
        return w.usernameTaken;
      case "username_invalid":
      case "nickname_invalid":
        return error.message; // The server's sentence names the rule (PROTOCOL.md §10.1).
      case "not_logged_in":
        return w.notLoggedIn;
      case "rate_limited":
        return w.rateLimited(w.wait(wait(error.retryAfterMs)));
      case "registration_closed":
        return w.registrationClosed;
      case "invite_required":
        return w.inviteRequired;
      case "invite_invalid":
        return w.inviteInvalid;
      case "server_busy":
        return w.serverBusy;
      case "too_many_connections":
        return w.tooManyConnections;
      case "server_shutdown":
        return w.serverShutdown;
      case "timeout":
        return w.timeout;
      case "internal":
        return w.internal;
      case "not_found":
        return w.notFound;
      case "not_allowed":
        return w.notAllowed;
      case "already_friends":
        return w.alreadyFriends;
      case "already_requested":
        return w.alreadyRequested;
      case "room_code_invalid":
        return w.roomCodeInvalid;
    }
    return error.message;
  }
  if (error instanceof TransportError) {
    return error.kind === "connect_failed" ? w.connectFailed : w.lost(error.message);
  }
  if (error instanceof KickedError) {
    if (error.kick.ownRevoke) return w.ownRevoke;
    return error.kick.reason === "revoked" ? w.revoked : w.elsewhere;
  }
  if (error instanceof HandshakeError) return w.handshake(error.message);
  if (error instanceof DeviceKeyStoreError) return w.deviceKeyStore(error.message);
  return error instanceof Error ? error.message : String(error);
}

/**
 * Says how long ago a moment was, coarsely: "just now" under a minute (or for a clock slightly ahead), then the largest
 * whole unit through `Intl` ("5 minutes ago", "yesterday", "5分钟前", "昨天").
 *
 * @param at The moment, in milliseconds since the epoch.
 * @param now The current time.
 * @param locale The language; English by default.
 * @returns The phrase.
 */
export function timeAgo(at: number, now: number, locale: Locale = "en"): string {
  return now - at < 60_000 ? ERROR_WORDS[locale].justNow : timeAgoIn(locale, at, now);
}

/**
 * A name for this browser in the account's device list: "Chrome on Linux", "Linux 上的 Firefox".
 *
 * @param userAgent `navigator.userAgent`.
 * @param locale The language of the phrase; English by default.
 * @returns Browser and system when recognised, else "Web browser"; at most 64 characters, as the server allows.
 */
export function deviceName(userAgent: string, locale: Locale = "en"): string {
  const w = ERROR_WORDS[locale];
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /OPR\//.test(userAgent)
    ? "Opera"
    : /Firefox\//.test(userAgent)
    ? "Firefox"
    : /Chrom(e|ium)\//.test(userAgent)
    ? "Chrome"
    : /Safari\//.test(userAgent)
    ? "Safari"
    : w.webBrowser;
  const system = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad|iPod/.test(userAgent)
    ? "iOS"
    : /Windows/.test(userAgent)
    ? "Windows"
    : /Mac OS X|Macintosh/.test(userAgent)
    ? "macOS"
    : /CrOS/.test(userAgent)
    ? "ChromeOS"
    : /Linux/.test(userAgent)
    ? "Linux"
    : undefined;
  return system ? w.on(browser, system) : browser;
}

/**
 * The rules the SDK's checks (`parseUsername`, `parseNickname`, `parseFont`) and the server state in English, by their
 * English sentence, for the languages that say them otherwise. A sentence not listed is shown as it came.
 */
const RULES: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  en: {},
  "zh-CN": {
    "A username is text": "用户名必须是文本",
    "A username is 3 to 32 letters, digits, _ . or -": "用户名由 3 到 32 个字母、数字、_ . 或 - 组成",
    "A nickname is text": "昵称必须是文本",
    "A nickname is 1 to 32 characters": "昵称为 1 到 32 个字符",
    "A nickname cannot hold control characters or line breaks": "昵称不能包含控制字符或换行",
    "A font family is 1 to 64 characters, or the default": "字体名称为 1 到 64 个字符，或使用默认字体",
    "A font size is a whole number from 8 to 72": "字号为 8 到 72 之间的整数",
  },
};

/**
 * A rule of the SDK's input checks in the language.
 *
 * @param sentence The check's English sentence (`{ error }` of `parseUsername`, `parseNickname`, `parseFont`).
 * @param locale The language.
 * @returns The sentence in the language, or as given when the catalog does not know it.
 */
export function ruleText(sentence: string, locale: Locale): string {
  return RULES[locale][sentence] ?? sentence;
}

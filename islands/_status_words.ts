// The words of the app's frame and its status screens: the language switch, the connection in the footer, reconnecting,
// kicked, a changed server key, and Mimi already open in another tab.

import { defineWords } from "./_i18n.ts";

/** The frame's and the status screens' words. */
export const STATUS_WORDS = defineWords({
  en: {
    language: "Language",
    insecure:
      "This page came over plain HTTP, so the browser offers no WebCrypto here. Messages are still encrypted to the server (with a built-in JavaScript implementation), but only HTTPS also protects this page itself, and this browser cannot stay signed in.",
    connection: "Connection:",
    fingerprint: "Server fingerprint:",
    state: {
      open: "connected",
      connecting: "connecting",
      retrying: "reconnecting",
      idle: "idle",
      kicked: "closed",
      closed: "closed",
    },
    reconnecting: (attempt: number) => `Reconnecting… (attempt ${attempt})`,
    tryNow: "Try now",
    closedBar: "The connection to the server is closed",
    reconnect: "Reconnect",
    kickedTitle: "You were logged out",
    kickedElsewhere: (when: string, from: string) =>
      `You were logged out because your account logged in elsewhere (${when}, ${from})`,
    kickedRevoked: "This device was signed out from another session",
    kickedOwn: "You signed this device out",
    kickedAdvice: "If that was not you, log in again and change your password.",
    logInAgain: "Log in again",
    keyTitle: "The server's key has changed",
    keyWhat:
      "The server answered with a different key from the one this page was served with. Someone may be intercepting the connection, or the server's operator has given it a new key since this page was loaded.",
    keyWhatReload:
      "This page was served with a different key from the one this browser trusted the last time it talked to this server. Someone may be intercepting the connection, or the server's operator has given it a new key.",
    keyExpected: "This page expects:",
    keyTrusted: "This browser trusted:",
    keyPresented: "The server presented:",
    keyAdvice:
      "Do not log in yet. Ask the server's operator, in person or on another channel you trust, whether the key changed, and compare the fingerprint they read to you with the new one above, character for character.",
    keyReload: "Reload the page",
    keyChecked: "I checked the new fingerprint with the operator and it matches",
    keyTrust: "Trust the new key and connect",
    tabTitle: "Mimi is open in another tab",
    tabHeld: (username: string) =>
      `Another tab of this browser is signed in as ${username}. Use that one: opening Mimi here would log that tab out.`,
    tabForward: "Go to the other tab",
    tabAsked: "The other tab was asked to come forward: you can close this one.",
    tabInsist: "Use Mimi here instead",
    tabCalled: "You were called back here from another tab.",
    tabTakenTitle: "Mimi moved to another tab",
    tabTaken: (username: string) =>
      `You chose to use Mimi as ${username} in another tab of this browser, so this tab let go of its connection.`,
  },
  "zh-CN": {
    language: "语言",
    insecure:
      "这个页面是通过普通 HTTP 打开的，浏览器在这里不提供 WebCrypto。消息仍会加密后发送到服务器（使用内置的 JavaScript 实现），但只有 HTTPS 才能保护这个页面本身，而且这个浏览器无法保持登录。",
    connection: "连接：",
    fingerprint: "服务器指纹：",
    state: {
      open: "已连接",
      connecting: "正在连接",
      retrying: "正在重新连接",
      idle: "空闲",
      kicked: "已关闭",
      closed: "已关闭",
    },
    reconnecting: (attempt: number) => `正在重新连接…（第 ${attempt} 次）`,
    tryNow: "立即重试",
    closedBar: "与服务器的连接已关闭",
    reconnect: "重新连接",
    kickedTitle: "你已被登出",
    kickedElsewhere: (when: string, from: string) => `你的账号在别处登录，你已被登出（${when}，${from}）`,
    kickedRevoked: "这台设备已在另一个会话中被退出登录",
    kickedOwn: "你已让这台设备退出登录",
    kickedAdvice: "如果不是你本人操作，请重新登录并修改密码。",
    logInAgain: "重新登录",
    keyTitle: "服务器的密钥变了",
    keyWhat:
      "服务器出示的密钥与这个页面加载时的不同。可能有人在拦截连接，也可能是服务器管理员在页面加载之后给服务器换了新密钥。",
    keyWhatReload:
      "这个页面带来的服务器密钥，与这个浏览器上次连接该服务器时信任的不同。可能有人在拦截连接，也可能是服务器管理员给服务器换了新密钥。",
    keyExpected: "这个页面期望的：",
    keyTrusted: "这个浏览器信任的：",
    keyPresented: "服务器出示的：",
    keyAdvice:
      "先不要登录。请当面或通过其他可信渠道询问服务器管理员密钥是否更换过，并把对方念给你的指纹与上面的新指纹逐字核对。",
    keyReload: "重新加载页面",
    keyChecked: "我已与管理员核对过新指纹，两者一致",
    keyTrust: "信任新密钥并连接",
    tabTitle: "Mimi 已在另一个标签页中打开",
    tabHeld: (username: string) =>
      `这个浏览器的另一个标签页已以 ${username} 登录。请使用那个标签页：在这里打开会使那个标签页被登出。`,
    tabForward: "切换到另一个标签页",
    tabAsked: "已请另一个标签页到前台：你可以关闭这个标签页。",
    tabInsist: "仍在这里使用 Mimi",
    tabCalled: "另一个标签页请你回到这里。",
    tabTakenTitle: "Mimi 已转到另一个标签页",
    tabTaken: (username: string) =>
      `你选择在这个浏览器的另一个标签页中以 ${username} 使用 Mimi，所以这个标签页已断开连接。`,
  },
});

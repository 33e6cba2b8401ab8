// What the conversation list and the chat pane say, in every language of the web client (islands/_i18n.ts).

import { type PreviewWords, ProtocolError } from "../../core/client/mod.ts";
import { defineWords } from "../_i18n.ts";

/** The events of a room's system lines (PROTOCOL.md §13), as the words below take them. */
export type SystemEvent = "created" | "joined" | "left" | "removed" | "renamed" | "owner";

/** A system line's parts: who it is about, who did it, and a room's new name; names already resolved. */
export interface SystemLine {
  event: string;
  /** Who joined, left, was removed, became owner. */
  user: string | null;
  /** Who did it (added, removed, renamed). */
  by: string | null;
  /** The room's name after `created` or `renamed`. */
  name: string | null;
}

/** The words of the chat screens. */
export interface ChatWords {
  conversations: string;
  search: string;
  searchPlaceholder: string;
  noConversations: string;
  noMatches: string;
  unread(count: number): string;
  online: string;
  offline: string;
  lastSeen(ago: string): string;
  room: string;
  noMessagesYet: string;
  /** The placeholders of previews ("[图片]", "[Image]"). */
  preview: PreviewWords;
  you: string;
  notifyOn: string;
  notifyBlocked: string;
  newMessageFrom(title: string): string;
  newImage: string;

  pickConversation: string;
  loadingOlder: string;
  beginning: string;
  loadOlder: string;
  newMessages: string;
  messageList: string;
  recalledByYou: string;
  recalledBy(name: string): string;
  recalled: string;
  unsupported: string;
  system(line: SystemLine): string;
  someone: string;
  sending: string;
  uploading: string;
  /** How far an image's upload got, for the progress bar's label. */
  uploadedOf: (uploaded: number, size: number) => string;
  sent: string;
  failed(reason: string): string;
  retry: string;
  discard: string;
  messageMenu: string;
  recall: string;
  recallFailed(reason: string): string;
  image(width: number, height: number): string;
  openImage: string;
  closeImage: string;
  loadingImage: string;
  imageFailed(reason: string): string;

  composer: string;
  send: string;
  attachImage: string;
  sendHintCtrl: string;
  sendHintEnter: string;
  enterSends: string;
  dropHere: string;
  previewTitle: string;
  sendImage: string;
  cancel: string;
  notAnImage: string;
  thumbnailFailed: string;
  /** The text is over the server's limit: how far over, and the limit (characters). */
  messageTooLong(over: number, limit: number): string;
  /** The counter under a long text: characters used of the server's limit. */
  charsUsed(used: number, limit: number): string;
  /** An image larger than the server takes; `limit` already in words ("10 MB"). */
  imageTooLarge(limit: string): string;
  /** An image with more pixels than the server takes; `millions` already in words ("40"). */
  imageTooManyPixels(millions: string): string;
  /** The pinned public channel every user is in. */
  lobby: string;
  /** How many users are online in the lobby; null while it is not known yet. */
  lobbyOnline(count: number | null): string;
  /** Under the lobby's title in the chat pane. */
  lobbyAbout: string;
  /** A sender in the lobby the user knows by no name (the lobby has no member list). */
  userNumber(id: number): string;
  /** The server's refusals a chat screen meets, by error code; others read as the shared `errorText`. */
  reasons: Readonly<Record<ChatErrorCode, string>>;
}

/** The error codes of sends, recalls and downloads that the chat words name themselves. */
export type ChatErrorCode = "too_large" | "bad_image" | "not_allowed" | "not_found" | "recall_expired";

export const CHAT_WORDS = defineWords<ChatWords>({
  en: {
    conversations: "Chats",
    search: "Search chats",
    searchPlaceholder: "Search",
    noConversations: "No chats yet: add a friend or join a group.",
    noMatches: "No chat matches.",
    unread: (n) => (n === 1 ? "1 unread message" : `${n} unread messages`),
    online: "online",
    offline: "offline",
    lastSeen: (ago) => `last seen ${ago}`,
    room: "group",
    noMessagesYet: "No messages yet",
    preview: {
      image: "[Image]",
      recalled: "recalled a message",
      system: (event) => SYSTEM_PREVIEW_EN[event as SystemEvent] ?? "[Group update]",
      unsupported: "[Unsupported message]",
    },
    you: "You",
    notifyOn: "Turn on notifications",
    notifyBlocked: "Notifications are blocked in this browser's site settings",
    newMessageFrom: (title) => `New message from ${title}`,
    newImage: "[Image]",

    pickConversation: "Pick a chat on the left to start.",
    loadingOlder: "Loading earlier messages…",
    beginning: "This is the beginning of the chat.",
    loadOlder: "Load earlier messages",
    newMessages: "New messages ↓",
    messageList: "Messages",
    recalledByYou: "You recalled a message",
    recalledBy: (name) => `${name} recalled a message`,
    recalled: "A message was recalled",
    unsupported: "[A message this version cannot show]",
    system: (line) => {
      const user = line.user ?? "Someone";
      switch (line.event) {
        case "created":
          return line.name
            ? `${line.by ?? user} created the group “${line.name}”`
            : `${line.by ?? user} created the group`;
        case "joined":
          return line.by && line.by !== line.user ? `${line.by} added ${user}` : `${user} joined the group`;
        case "left":
          return `${user} left the group`;
        case "removed":
          return line.by ? `${line.by} removed ${user}` : `${user} was removed`;
        case "renamed":
          return `${line.by ?? user} renamed the group to “${line.name ?? ""}”`;
        case "owner":
          return `${user} is now the group's owner`;
        default:
          return "The group changed";
      }
    },
    someone: "Someone",
    sending: "Sending…",
    uploading: "Uploading…",
    uploadedOf: (uploaded, size) => `${Math.floor((uploaded / Math.max(1, size)) * 100)}% uploaded`,
    sent: "Sent",
    failed: (reason) => `Not sent: ${reason}`,
    retry: "Retry",
    discard: "Discard",
    messageMenu: "Message actions",
    recall: "Recall",
    recallFailed: (reason) => `Could not recall: ${reason}`,
    image: (w, h) => `Image, ${w} × ${h}`,
    openImage: "Open the image full size",
    closeImage: "Close",
    loadingImage: "Loading the image…",
    imageFailed: (reason) => `The image could not be loaded: ${reason}`,

    composer: "Message",
    send: "Send",
    attachImage: "Send an image",
    sendHintCtrl: "Ctrl+Enter sends, Enter makes a new line",
    sendHintEnter: "Enter sends, Shift+Enter makes a new line",
    enterSends: "Enter sends",
    dropHere: "Drop an image to send it",
    previewTitle: "Send this image?",
    sendImage: "Send image",
    cancel: "Cancel",
    notAnImage: "This file is not a PNG, JPEG, GIF or WebP image",
    thumbnailFailed: "The browser could not read this image",
    messageTooLong: (over, limit) =>
      `The message is ${over} ${over === 1 ? "character" : "characters"} too long (the server takes ${limit})`,
    charsUsed: (used, limit) => `${used} / ${limit}`,
    imageTooLarge: (limit) => `This image is too large: the server takes images of at most ${limit}`,
    imageTooManyPixels: (millions) => `This image has too many pixels: the server takes at most ${millions} million`,
    lobby: "Lobby",
    lobbyOnline: (n) => (n === null ? "everyone" : n === 1 ? "1 online" : `${n} online`),
    lobbyAbout: "Everyone on this server can read and write here",
    userNumber: (id) => `User ${id}`,
    reasons: {
      too_large: "it is larger than the server accepts",
      bad_image: "the server could not read the image",
      not_allowed: "you are not allowed to do this here",
      not_found: "this chat or message is gone",
      recall_expired: "it is too late to recall this message",
    },
  },
  "zh-CN": {
    conversations: "聊天",
    search: "搜索聊天",
    searchPlaceholder: "搜索",
    noConversations: "还没有聊天：加个好友或加入群聊吧。",
    noMatches: "没有匹配的聊天。",
    unread: (n) => `${n} 条未读消息`,
    online: "在线",
    offline: "离线",
    lastSeen: (ago) => `${ago}在线`,
    room: "群聊",
    noMessagesYet: "还没有消息",
    preview: {
      image: "[图片]",
      recalled: "撤回了一条消息",
      system: (event) => SYSTEM_PREVIEW_ZH[event as SystemEvent] ?? "[群聊变动]",
      unsupported: "[不支持的消息]",
    },
    you: "我",
    notifyOn: "开启通知",
    notifyBlocked: "此浏览器的网站设置已屏蔽通知",
    newMessageFrom: (title) => `${title} 发来新消息`,
    newImage: "[图片]",

    pickConversation: "在左侧选择一个聊天开始吧。",
    loadingOlder: "正在加载更早的消息…",
    beginning: "这是聊天的开始。",
    loadOlder: "加载更早的消息",
    newMessages: "有新消息 ↓",
    messageList: "消息",
    recalledByYou: "你撤回了一条消息",
    recalledBy: (name) => `${name} 撤回了一条消息`,
    recalled: "一条消息已被撤回",
    unsupported: "[此版本无法显示的消息]",
    system: (line) => {
      const user = line.user ?? "某人";
      switch (line.event) {
        case "created":
          return line.name ? `${line.by ?? user} 创建了群聊“${line.name}”` : `${line.by ?? user} 创建了群聊`;
        case "joined":
          return line.by && line.by !== line.user ? `${line.by} 邀请 ${user} 加入了群聊` : `${user} 加入了群聊`;
        case "left":
          return `${user} 退出了群聊`;
        case "removed":
          return line.by ? `${line.by} 将 ${user} 移出了群聊` : `${user} 被移出了群聊`;
        case "renamed":
          return `${line.by ?? user} 将群名改为“${line.name ?? ""}”`;
        case "owner":
          return `${user} 成为了群主`;
        default:
          return "群聊有变动";
      }
    },
    someone: "某人",
    sending: "发送中…",
    uploading: "上传中…",
    uploadedOf: (uploaded, size) => `已上传 ${Math.floor((uploaded / Math.max(1, size)) * 100)}%`,
    sent: "已发送",
    failed: (reason) => `发送失败：${reason}`,
    retry: "重试",
    discard: "删除",
    messageMenu: "消息操作",
    recall: "撤回",
    recallFailed: (reason) => `无法撤回：${reason}`,
    image: (w, h) => `图片，${w} × ${h}`,
    openImage: "查看原图",
    closeImage: "关闭",
    loadingImage: "正在加载图片…",
    imageFailed: (reason) => `图片加载失败：${reason}`,

    composer: "消息",
    send: "发送",
    attachImage: "发送图片",
    sendHintCtrl: "Ctrl+Enter 发送，Enter 换行",
    sendHintEnter: "Enter 发送，Shift+Enter 换行",
    enterSends: "Enter 发送",
    dropHere: "松开以发送图片",
    previewTitle: "发送这张图片？",
    sendImage: "发送图片",
    cancel: "取消",
    notAnImage: "这个文件不是 PNG、JPEG、GIF 或 WebP 图片",
    thumbnailFailed: "浏览器无法读取这张图片",
    messageTooLong: (over, limit) => `消息超出了 ${over} 个字（服务器最多接受 ${limit} 个字）`,
    charsUsed: (used, limit) => `${used} / ${limit}`,
    imageTooLarge: (limit) => `这张图片太大了：服务器最多接受 ${limit} 的图片`,
    imageTooManyPixels: (millions) => `这张图片像素太多了：服务器最多接受 ${millions} 百万像素`,
    lobby: "大厅",
    lobbyOnline: (n) => (n === null ? "所有人" : `${n} 人在线`),
    lobbyAbout: "这个服务器上的所有人都可以在这里聊天",
    userNumber: (id) => `用户 ${id}`,
    reasons: {
      too_large: "超过了服务器允许的大小",
      bad_image: "服务器无法读取这张图片",
      not_allowed: "你没有权限这样做",
      not_found: "这个聊天或消息已不存在",
      recall_expired: "已超过可撤回的时间",
    },
  },
});

const SYSTEM_PREVIEW_EN: Record<SystemEvent, string> = {
  created: "[Group created]",
  joined: "[Someone joined]",
  left: "[Someone left]",
  removed: "[Someone was removed]",
  renamed: "[Group renamed]",
  owner: "[New owner]",
};

const SYSTEM_PREVIEW_ZH: Record<SystemEvent, string> = {
  created: "[群聊已创建]",
  joined: "[有人加入]",
  left: "[有人退出]",
  removed: "[有人被移出]",
  renamed: "[群名已修改]",
  owner: "[群主变更]",
};

/**
 * Why a chat request failed, in the words of the language: the codes chat screens meet named here, the rest as the
 * shared `errorText` says them.
 *
 * @param words The chat words of the language.
 * @param error What the request rejected with.
 * @param fallback The shared wording of any other error.
 * @returns One phrase without a final period.
 */
export function chatReason(words: ChatWords, error: unknown, fallback: (error: unknown) => string): string {
  const code = error instanceof ProtocolError ? error.code : undefined;
  return code !== undefined && Object.hasOwn(words.reasons, code)
    ? words.reasons[code as ChatErrorCode]
    : fallback(error);
}

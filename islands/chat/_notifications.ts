// System notifications of new messages while the tab is hidden: permission asked only when the user has shown they
// chat here (their first message, or the list's button), never when the page loads.

import { useEffect, useRef, useState } from "preact/hooks";
import { cutToWidth, foldLines, type Message } from "../../core/client/mod.ts";
import type { Mimi } from "../_use_mimi.ts";
import { browserStore, readItem, writeItem } from "./_local_store.ts";
import type { ChatWords } from "./_words.ts";

/** Where the browser remembers that it asked once by itself, so a later visit does not ask again unprompted. */
export const ASKED_STORAGE_KEY = "mimi.notificationsAsked";

/** The browser's notification permission, or `unsupported` where there are no notifications. */
export type NotifyPermission = "default" | "granted" | "denied" | "unsupported";

/** The permission now. */
export function notifyPermission(): NotifyPermission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

const listeners = new Set<(permission: NotifyPermission) => void>();

/**
 * Asks the browser for permission to notify; call it from the user's own action (a click or a key), as browsers
 * require.
 *
 * @returns The permission after asking.
 */
export async function askForNotifications(): Promise<NotifyPermission> {
  if (notifyPermission() !== "default") return notifyPermission();
  writeItem(browserStore(), ASKED_STORAGE_KEY, "1");
  const permission = await Notification.requestPermission();
  for (const listener of listeners) listener(permission);
  return permission;
}

/**
 * Asks once, after the user sent their first message from this browser: the moment they show they will chat here.
 * Later sends, and later visits, do not ask again (the list's button still can).
 */
export function askAfterFirstSend(): void {
  if (notifyPermission() !== "default" || readItem(browserStore(), ASKED_STORAGE_KEY) !== null) return;
  askForNotifications().catch((error) => {
    // Not swallowed silently: a browser that refuses to ask only costs the notifications, so it is logged.
    console.warn("Could not ask for notifications", error);
  });
}

/** The permission, kept current when the user answers the browser's question. */
export function useNotifyPermission(): NotifyPermission {
  const [permission, setPermission] = useState<NotifyPermission>("unsupported");
  useEffect(() => {
    setPermission(notifyPermission());
    listeners.add(setPermission);
    return () => void listeners.delete(setPermission);
  }, []);
  return permission;
}

/** A message as one notification line: its text folded to one line, or the placeholder of an image. */
function bodyText(message: Message, words: ChatWords): string | undefined {
  const body = message.body;
  if (body.type === "text") return cutToWidth(foldLines(body.text), 120);
  if (body.type === "image") return words.newImage;
  return undefined;
}

/**
 * Shows a system notification for each message from someone else that arrives while the tab is hidden (and the user
 * allowed it); clicking it brings the tab forward on that conversation.
 *
 * @param mimi The page's connection and state.
 * @param words The chat words of the language.
 * @param onOpen Opens a conversation.
 */
export function useNewMessageNotifications(mimi: Mimi, words: ChatWords, onOpen: (id: number) => void): void {
  const latest = useRef({ mimi, words, onOpen });
  latest.current = { mimi, words, onOpen };
  const connection = mimi.connection;
  useEffect(() => {
    if (!connection) return;
    return connection.on("message", ({ message }) => {
      const { mimi, words, onOpen } = latest.current;
      if (document.visibilityState !== "hidden" || notifyPermission() !== "granted") return;
      const session = mimi.state.session;
      if (message.senderId === null || (session.state === "signedIn" && message.senderId === session.user.id)) return;
      const text = bodyText(message, words);
      if (text === undefined) return;
      const conversation = mimi.state.conversations.find((summary) => summary.id === message.conversationId);
      const title = conversation?.title ?? words.someone;
      const sender = conversation?.kind === "room" ? mimi.state.users[message.senderId]?.nickname : undefined;
      const notification = new Notification(words.newMessageFrom(title), {
        body: sender ? `${sender}: ${text}` : text,
        // One notification per conversation: a newer message replaces the one before.
        tag: `mimi-conversation-${message.conversationId}`,
      });
      notification.onclick = () => {
        globalThis.focus();
        onOpen(message.conversationId);
        notification.close();
      };
    });
  }, [connection]);
}

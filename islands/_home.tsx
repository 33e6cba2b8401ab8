// The logged-in screen: header, profile (nickname, chat font), the contact list with live presence, and devices.

import { useEffect, useRef, useState } from "preact/hooks";
import {
  type Contact,
  type Device,
  type FontPreference,
  type FriendRequest,
  parseFont,
  parseNickname,
  type Profile,
} from "../core/client/mod.ts";
import { Field, FormError } from "./_account_forms.tsx";
import { ChatPane } from "./chat/ChatPane.tsx";
import { ConversationList } from "./chat/ConversationList.tsx";
import { Devices } from "./_devices.tsx";
import type { Mimi } from "./_use_mimi.ts";
import { useAction } from "./_use_action.ts";
import { useNow } from "./_use_now.ts";
import { timeAgo } from "./_words.ts";

/** What the logged-in screen shows and does. */
export interface HomeProps {
  /** The page's connection and state, for the chat (islands/chat/). */
  mimi: Mimi;
  user: Profile;
  contacts: readonly Contact[];
  requests: readonly FriendRequest[];
  /** The remembered devices, as last fetched. */
  devices: readonly Device[];
  onLogout(): Promise<void>;
  onNickname(nickname: string): Promise<void>;
  onFont(font: FontPreference): Promise<void>;
  onListDevices(): Promise<void>;
  onRevokeDevice(deviceId: number): Promise<void>;
}

/** Header, contacts, profile and devices of the logged-in user. */
export function Home(
  { mimi, user, contacts, requests, devices, onLogout, onNickname, onFont, onListDevices, onRevokeDevice }: HomeProps,
) {
  const logout = useAction();
  const [open, setOpen] = useState<number | null>(null);
  return (
    <>
      <header class="bar">
        <span>
          <strong data-testid="me">{user.nickname}</strong> <span class="muted">@{user.username}</span>
        </span>
        <button type="button" disabled={logout.busy} onClick={() => logout.run(onLogout)}>Log out</button>
      </header>
      <FormError>{logout.error}</FormError>
      <div class="chat-layout">
        <ConversationList mimi={mimi} openConversationId={open} onOpen={setOpen} />
        <ChatPane mimi={mimi} conversationId={open} onOpen={setOpen} />
      </div>
      <div class="columns">
        <Contacts contacts={contacts} requests={requests} />
        <section class="card" aria-labelledby="profile-title">
          <h2 id="profile-title">Profile</h2>
          <p>
            Username: <strong data-testid="profile-username">{user.username}</strong>
          </p>
          <NicknameForm nickname={user.nickname} onSave={onNickname} />
          <FontForm font={user.font} onSave={onFont} />
        </section>
      </div>
      <Devices devices={devices} onList={onListDevices} onRevoke={onRevokeDevice} />
    </>
  );
}

function NicknameForm({ nickname, onSave }: { nickname: string; onSave(nickname: string): Promise<void> }) {
  const [value, setValue] = useState(nickname);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const parsed = parseNickname(value);
  const submit = async (event: Event) => {
    event.preventDefault();
    if ("error" in parsed) return;
    setSaved(await action.run(() => onSave(parsed.nickname)));
  };
  return (
    <form class="stack" onSubmit={submit}>
      <Field
        id="profile-nickname"
        label="Nickname"
        value={value}
        onInput={(text) => {
          setValue(text);
          setSaved(false);
        }}
        message={"error" in parsed ? parsed.error : undefined}
        autocomplete="nickname"
      />
      <FormError>{action.error}</FormError>
      <div class="actions">
        <button type="submit" disabled={action.busy || "error" in parsed || parsed.nickname === nickname}>
          Save nickname
        </button>
        {saved && <span class="saved" role="status" data-testid="nickname-saved">Saved</span>}
      </div>
    </form>
  );
}

const FONT_SUGGESTIONS = [
  "serif",
  "sans-serif",
  "monospace",
  "Noto Sans CJK SC",
  "Noto Serif CJK SC",
  "LXGW WenKai",
  "PingFang SC",
  "Microsoft YaHei",
  "KaiTi",
  "SimSun",
];

function FontForm({ font, onSave }: { font: FontPreference; onSave(font: FontPreference): Promise<void> }) {
  const [family, setFamily] = useState(font.family ?? "");
  const [size, setSize] = useState(font.size === null ? "" : String(font.size));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const parsed = parseFont(family, size);
  const edit = (set: (value: string) => void) => (value: string) => {
    set(value);
    setSaved(false);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    if ("error" in parsed) return;
    setSaved(await action.run(() => onSave(parsed.font)));
  };
  return (
    <form class="stack" onSubmit={submit}>
      <div class="row">
        <Field
          id="font-family"
          label="Chat font"
          value={family}
          onInput={edit(setFamily)}
          list="font-families"
          placeholder="Default"
        />
        <Field
          id="font-size"
          label="Font size (px)"
          type="number"
          min={8}
          max={72}
          value={size}
          onInput={edit(setSize)}
          placeholder="16"
        />
      </div>
      <datalist id="font-families">
        {FONT_SUGGESTIONS.map((name) => <option key={name} value={name} />)}
      </datalist>
      {"error" in parsed && <p class="field-message">{parsed.error}</p>}
      <FontSample font={"font" in parsed ? parsed.font : font} />
      <FormError>{action.error}</FormError>
      <div class="actions">
        <button type="submit" disabled={action.busy || "error" in parsed}>Save font</button>
        {saved && <span class="saved" role="status" data-testid="font-saved">Saved</span>}
      </div>
    </form>
  );
}

const GENERIC_FAMILIES = new Set([
  "serif",
  "sans-serif",
  "monospace",
  "cursive",
  "fantasy",
  "system-ui",
  "ui-serif",
  "ui-sans-serif",
  "ui-monospace",
  "ui-rounded",
  "math",
  "emoji",
  "fangsong",
]);

/** A family name as one CSS value: generic keywords bare, every other name a quoted string. */
function cssFamily(family: string): string {
  if (GENERIC_FAMILIES.has(family.toLowerCase())) return family;
  return `"${family.replace(/[\p{Cc}]/gu, "").replace(/["\\]/g, "\\$&")}"`;
}

/** Sample chat text in the chosen font. */
function FontSample({ font }: { font: FontPreference }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    // The CSP (style-src 'self') forbids style attributes in the HTML but not the CSSOM: set the properties here.
    const style = ref.current?.style;
    if (!style) return;
    if (font.family) style.setProperty("--chat-font-family", cssFamily(font.family));
    else style.removeProperty("--chat-font-family");
    if (font.size) style.setProperty("--chat-font-size", `${font.size}px`);
    else style.removeProperty("--chat-font-size");
  }, [font.family, font.size]);
  return (
    <p ref={ref} class="chat-text font-sample" data-testid="font-sample">
      你好！今晚一起吃饭吗？ Hello! Dinner tonight? 0123456789
    </p>
  );
}

function Contacts({ contacts, requests }: { contacts: readonly Contact[]; requests: HomeProps["requests"] }) {
  const now = useNow(30_000);
  return (
    <section class="card" aria-labelledby="contacts-title">
      <h2 id="contacts-title">Contacts</h2>
      {contacts.length === 0 ? <p class="muted">No friends yet.</p> : (
        <ul class="contacts" data-testid="contacts">
          {contacts.map((contact) => (
            <li key={contact.id} data-testid={`contact-${contact.username}`}>
              <span class={contact.online ? "dot online" : "dot"} aria-hidden="true" />
              <span class="who">
                <span class="name">{contact.nickname}</span> <span class="muted">@{contact.username}</span>
              </span>
              <span class="presence" data-testid="presence">
                {contact.online
                  ? "online"
                  : contact.lastSeenAt === null
                  ? "offline"
                  : `last seen ${timeAgo(contact.lastSeenAt, now)}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>Friend requests</h3>
      {requests.length === 0
        ? <p class="muted">No pending requests.</p>
        : (
          <ul class="requests" data-testid="friend-requests">
            {requests.map((request) => (
              <li key={request.id}>
                <span class="who">
                  <span class="name">{request.from?.nickname ?? "Someone"}</span>{" "}
                  {request.from && <span class="muted">@{request.from.username}</span>}
                </span>
                <span class="muted">
                  {request.status === "deferred" ? "later" : request.status} · {timeAgo(request.createdAt, now)}
                </span>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}

// The signed-in layout: a header (who, profile, log out), a sidebar with the conversations, friends and groups, and a
// main pane with the open conversation (and its group's members) or the profile, chat font and devices.

import { useEffect, useRef, useState } from "preact/hooks";
import { type FontPreference, parseFont, parseNickname } from "../core/client/mod.ts";
import { Field, FormError } from "./_account_forms.tsx";
import { ChatPane } from "./chat/ChatPane.tsx";
import { applyChatFont } from "./chat/_font.ts";
import { ConversationList } from "./chat/ConversationList.tsx";
import { Devices } from "./_devices.tsx";
import { FriendsPanel, RequestNotice } from "./_friends.tsx";
import { HOME_WORDS } from "./_home_words.ts";
import { useLocale, useWords } from "./_i18n.ts";
import { GroupsPanel, RoomPanel } from "./_rooms.tsx";
import type { Mimi } from "./_use_mimi.ts";
import { useAction } from "./_use_action.ts";
import { ruleText } from "./_words.ts";

/** What the shell hands the conversation list and the chat pane. */
export interface ChatSlotProps {
  mimi: Mimi;
  /** The conversation open in the main pane, if any: there is one place per conversation. */
  openConversationId: number | undefined;
  /** Opens a conversation; opening the open one focuses it. */
  onOpen(conversationId: number): void;
}

/** What the signed-in layout shows and does: the chat slots' props, and logging out. */
export interface HomeProps extends ChatSlotProps {
  /** Shows the profile and devices in the main pane (closes the open conversation). */
  onSettings(): void;
  onLogout(): Promise<void>;
}

/** Header, sidebar (conversations, friends, groups) and main pane (conversation and members, or profile and devices). */
export function Home({ mimi, openConversationId, onOpen, onSettings, onLogout }: HomeProps) {
  const logout = useAction();
  const w = useWords(HOME_WORDS);
  const { state, connection } = mimi;
  if (state.session.state !== "signedIn") return null;
  const user = state.session.user;
  const lobbyOpen = state.lobby !== null && state.lobby.conversationId === openConversationId;
  const found = state.conversations.find((c) => c.id === openConversationId);
  const open = found ?? (lobbyOpen ? { id: openConversationId! } : undefined);
  const room = found?.kind === "room" ? state.rooms.find((r) => r.id === found.roomId) : undefined;
  return (
    <>
      <header class="bar">
        <span>
          <strong data-testid="me">{user.nickname}</strong> <span class="muted">@{user.username}</span>
        </span>
        <span class="actions">
          <button type="button" aria-pressed={open ? "false" : "true"} onClick={onSettings}>{w.settings}</button>
          <button type="button" disabled={logout.busy} onClick={() => logout.run(onLogout)}>{w.logOut}</button>
        </span>
      </header>
      <FormError>{logout.error}</FormError>
      <RequestNotice requests={state.friendRequests} />
      <div class="shell">
        <aside class="sidebar" aria-labelledby="conversations-title">
          <ConversationList mimi={mimi} openConversationId={open?.id ?? null} onOpen={onOpen} />
          <FriendsPanel mimi={mimi} onOpen={onOpen} />
          <GroupsPanel mimi={mimi} onOpen={onOpen} />
        </aside>
        <div class="pane" id="main-pane">
          {open
            ? (
              <>
                <ChatPane mimi={mimi} conversationId={open.id} onOpen={onOpen} />
                {room && <RoomPanel mimi={mimi} room={room} onOpen={onOpen} />}
              </>
            )
            : (
              <>
                <section class="card" aria-labelledby="profile-title">
                  <h2 id="profile-title">{w.profileTitle}</h2>
                  <p>
                    {w.username} <strong data-testid="profile-username">{user.username}</strong>
                  </p>
                  <NicknameForm
                    nickname={user.nickname}
                    onSave={async (nickname) => void await connection?.setNickname(nickname)}
                  />
                  <FontForm font={user.font} onSave={async (font) => void await connection?.setFont(font)} />
                </section>
                <Devices
                  devices={state.devices}
                  onList={async () => void await connection?.listDevices()}
                  onRevoke={async (deviceId) => await connection?.revokeDevice(deviceId)}
                />
              </>
            )}
        </div>
      </div>
    </>
  );
}

function NicknameForm({ nickname, onSave }: { nickname: string; onSave(nickname: string): Promise<void> }) {
  const [value, setValue] = useState(nickname);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const w = useWords(HOME_WORDS);
  const locale = useLocale();
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
        label={w.nickname}
        value={value}
        onInput={(text) => {
          setValue(text);
          setSaved(false);
        }}
        message={"error" in parsed ? ruleText(parsed.error, locale) : undefined}
        autocomplete="nickname"
      />
      <FormError>{action.error}</FormError>
      <div class="actions">
        <button type="submit" disabled={action.busy || "error" in parsed || parsed.nickname === nickname}>
          {w.saveNickname}
        </button>
        {saved && <span class="saved" role="status" data-testid="nickname-saved">{w.saved}</span>}
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
  const w = useWords(HOME_WORDS);
  const locale = useLocale();
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
          label={w.chatFont}
          value={family}
          onInput={edit(setFamily)}
          list="font-families"
          placeholder={w.fontDefault}
        />
        <Field
          id="font-size"
          label={w.fontSize}
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
      {"error" in parsed && <p class="field-message">{ruleText(parsed.error, locale)}</p>}
      <FontSample font={"font" in parsed ? parsed.font : font} />
      <FormError>{action.error}</FormError>
      <div class="actions">
        <button type="submit" disabled={action.busy || "error" in parsed}>{w.saveFont}</button>
        {saved && <span class="saved" role="status" data-testid="font-saved">{w.saved}</span>}
      </div>
    </form>
  );
}

/** Sample chat text in the chosen font. */
function FontSample({ font }: { font: FontPreference }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    // The CSP (style-src 'self') forbids style attributes in the HTML but not the CSSOM: set the properties here.
    if (ref.current) applyChatFont(ref.current.style, font);
  }, [font.family, font.size]);
  return (
    <p ref={ref} class="chat-text font-sample" data-testid="font-sample">
      你好！今晚一起吃饭吗？ Hello! Dinner tonight? 0123456789
    </p>
  );
}

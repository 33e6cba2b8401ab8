// Friends: add one by username with a note, answer requests (accept, reject, later), and the contact list with live
// presence, where a friend's name opens the chat with them and a menu removes or blocks them (after a question).

import { useState } from "preact/hooks";
import type { Contact, ConversationSummary, FriendRequest } from "../core/client/mod.ts";
import { BlockedUsers } from "./_blocked.tsx";
import { Field, FormError } from "./_account_forms.tsx";
import { useLocale, useWords } from "./_i18n.ts";
import { SOCIAL_WORDS } from "./_social_words.ts";
import { useAction } from "./_use_action.ts";
import type { Mimi } from "./_use_mimi.ts";
import { useNow } from "./_use_now.ts";
import { timeAgo } from "./_words.ts";

/** The direct conversation with a user, if the list holds one (friends have one from the start). */
export function directConversation(
  conversations: readonly ConversationSummary[],
  userId: number,
): number | undefined {
  return conversations.find((c) => c.kind === "direct" && c.peer?.id === userId)?.id;
}

/** What the friends panel needs: the SDK, and opening a conversation in the shell. */
export interface FriendsPanelProps {
  mimi: Mimi;
  onOpen(conversationId: number): void;
}

/** Add a friend, the requests to answer, and the friends. */
export function FriendsPanel({ mimi, onOpen }: FriendsPanelProps) {
  const w = useWords(SOCIAL_WORDS);
  return (
    <section class="card" aria-labelledby="contacts-title">
      <h2 id="contacts-title">{w.friendsTitle}</h2>
      <Contacts mimi={mimi} onOpen={onOpen} />
      <Requests mimi={mimi} />
      <AddFriend mimi={mimi} />
      <BlockedUsers mimi={mimi} />
    </section>
  );
}

function Contacts({ mimi, onOpen }: FriendsPanelProps) {
  const w = useWords(SOCIAL_WORDS);
  const { contacts, conversations } = mimi.state;
  if (contacts.length === 0) return <p class="muted">{w.noFriends}</p>;
  return (
    <ul class="contacts" data-testid="contacts">
      {contacts.map((contact) => (
        <ContactRow
          key={contact.id}
          mimi={mimi}
          contact={contact}
          conversation={directConversation(conversations, contact.id)}
          onOpen={onOpen}
        />
      ))}
    </ul>
  );
}

/** One friend: presence, their name opening the chat, and a menu to remove or block them, each asked first. */
function ContactRow({ mimi, contact, conversation, onOpen }: {
  mimi: Mimi;
  contact: Contact;
  conversation: number | undefined;
  onOpen(conversationId: number): void;
}) {
  const w = useWords(SOCIAL_WORDS);
  const locale = useLocale();
  const now = useNow(30_000);
  const [step, setStep] = useState<"closed" | "menu" | "remove" | "block">("closed");
  const action = useAction();
  const name = contact.nickname;
  const questionId = `contact-question-${contact.id}`;
  const confirm = (question: string, yes: string, run: () => Promise<void>) => (
    <div class="confirm" role="group" aria-labelledby={questionId}>
      <p id={questionId}>{question}</p>
      <div class="actions">
        <button
          type="button"
          class="danger"
          disabled={action.busy}
          onClick={() =>
            action.run(run)}
        >
          {yes}
        </button>
        <button
          type="button"
          onClick={() =>
            setStep("closed")}
        >
          {w.cancel}
        </button>
      </div>
    </div>
  );
  return (
    <li class="contact" data-testid={`contact-${contact.username}`}>
      <span class={contact.online ? "dot online" : "dot"} aria-hidden="true" />
      <span class="who">
        <button
          type="button"
          class="link name"
          disabled={conversation === undefined}
          aria-label={w.chat(name)}
          onClick={() => conversation !== undefined && onOpen(conversation)}
        >
          {name}
        </button>{" "}
        <span class="muted">@{contact.username}</span>
      </span>
      <span class="presence" data-testid="presence">
        {contact.online
          ? w.online
          : contact.lastSeenAt === null
          ? w.offline
          : w.lastSeen(timeAgo(contact.lastSeenAt, now, locale))}
      </span>
      <button
        type="button"
        class="icon small"
        aria-label={w.friendActions(name)}
        aria-expanded={step === "closed" ? "false" : "true"}
        onClick={() => setStep(step === "closed" ? "menu" : "closed")}
      >
        ⋯
      </button>
      {step === "menu" && (
        <span class="actions contact-menu">
          <button type="button" onClick={() => setStep("remove")}>{w.removeFriend(name)}</button>
          <button type="button" class="danger" onClick={() => setStep("block")}>{w.block(name)}</button>
        </span>
      )}
      {step === "remove" &&
        confirm(w.confirmRemoveFriend(name), w.yesRemove, () => mimi.connection!.removeFriend(contact.id))}
      {step === "block" && confirm(w.confirmBlock(name), w.yesBlock, () => mimi.connection!.blockUser(contact.id))}
      <FormError>{action.error}</FormError>
    </li>
  );
}

/** The open requests to the user, each with its note and accept, reject or later. */
function Requests({ mimi }: { mimi: Mimi }) {
  const w = useWords(SOCIAL_WORDS);
  const requests = mimi.state.friendRequests;
  return (
    <div id="friend-requests" tabIndex={-1} aria-labelledby="requests-title">
      <h3 id="requests-title">{w.requestsTitle}</h3>
      {requests.length === 0 ? <p class="muted">{w.noRequests}</p> : (
        <ul class="requests" data-testid="friend-requests">
          {requests.map((request) => <RequestRow key={request.id} mimi={mimi} request={request} />)}
        </ul>
      )}
    </div>
  );
}

function RequestRow({ mimi, request }: { mimi: Mimi; request: FriendRequest }) {
  const w = useWords(SOCIAL_WORDS);
  const locale = useLocale();
  const now = useNow(30_000);
  const action = useAction();
  const answer = (choice: "accept" | "reject" | "later") =>
    action.run(async () => void await mimi.connection?.answerFriendRequest(request.id, choice));
  const name = request.from?.nickname ?? w.someone;
  return (
    <li data-testid={`request-${request.from?.username ?? request.id}`}>
      <div class="who">
        <span class="name">{name}</span> {request.from && <span class="muted">@{request.from.username}</span>}
        <span class="muted">
          {` · ${request.status === "deferred" ? w.later : w.pending} · ${timeAgo(request.createdAt, now, locale)}`}
        </span>
        {request.note && <p class="note" data-testid="request-note">{request.note}</p>}
        <FormError>{action.error}</FormError>
      </div>
      <div class="actions">
        <button type="button" class="primary" disabled={action.busy} onClick={() => answer("accept")}>
          {w.accept}
          <span class="visually-hidden">{` ${name}`}</span>
        </button>
        <button type="button" disabled={action.busy} onClick={() => answer("reject")}>{w.reject}</button>
        {request.status !== "deferred" && (
          <button type="button" disabled={action.busy} onClick={() => answer("later")}>{w.askLater}</button>
        )}
      </div>
    </li>
  );
}

/** Finds a user by exact username and asks them to be friends, with an optional note. */
function AddFriend({ mimi }: { mimi: Mimi }) {
  const w = useWords(SOCIAL_WORDS);
  const [username, setUsername] = useState("");
  const [note, setNote] = useState("");
  const [news, setNews] = useState("");
  const action = useAction();
  const { sentRequests, users } = mimi.state;
  const submit = (event: Event) => {
    event.preventDefault();
    setNews("");
    void action.run(async () => {
      const connection = mimi.connection;
      if (!connection) return;
      const user = await connection.findUser(username.trim());
      const request = await connection.sendFriendRequest(user.id, note.trim() || undefined);
      setNews(request.status === "accepted" ? w.nowFriends(user.nickname) : w.requestSent(user.nickname));
      setUsername("");
      setNote("");
    });
  };
  return (
    <form class="stack add-friend" onSubmit={submit} aria-labelledby="add-friend-title">
      <h3 id="add-friend-title">{w.addFriend}</h3>
      <Field id="friend-username" label={w.username} value={username} onInput={setUsername} autocomplete="off" />
      <Field id="friend-note" label={w.note} value={note} onInput={setNote} placeholder={w.notePlaceholder} />
      <FormError>{action.error}</FormError>
      <div class="actions">
        <button type="submit" disabled={action.busy || username.trim() === ""}>{w.sendRequest}</button>
        <span class="saved" role="status" data-testid="friend-news">{news}</span>
      </div>
      {sentRequests.length > 0 && (
        <ul class="muted sent" data-testid="sent-requests">
          {sentRequests.map(({ userId, request }) => (
            <li key={request.id}>{w.waitingFor(users[userId]?.nickname ?? String(userId))}</li>
          ))}
        </ul>
      )}
    </form>
  );
}

/**
 * A notice for friend requests this page has not shown yet (one that just arrived, or those waiting at login), with
 * "Show" (moves the focus to the requests) and "Dismiss".
 */
export function RequestNotice({ requests }: { requests: readonly FriendRequest[] }) {
  const w = useWords(SOCIAL_WORDS);
  const [seen, setSeen] = useState<ReadonlySet<number>>(new Set());
  const fresh = requests.filter((request) => request.status === "pending" && !seen.has(request.id));
  const dismiss = () => setSeen(new Set([...seen, ...requests.map((request) => request.id)]));
  return (
    <div role="status" class="notice-region">
      {fresh.length > 0 && (
        <p class="notice" data-testid="request-notice">
          {fresh.map((request) => w.newRequest(request.from?.nickname ?? w.someone)).join(" · ")}{" "}
          <button
            type="button"
            class="link"
            onClick={() => {
              dismiss();
              document.getElementById("friend-requests")?.focus();
            }}
          >
            {w.show}
          </button>
          <button type="button" class="link" onClick={dismiss}>{w.dismiss}</button>
        </p>
      )}
    </div>
  );
}

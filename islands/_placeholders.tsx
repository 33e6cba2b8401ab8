// Stand-ins for the conversation list and the chat pane (islands/chat/), with the props those components take: the
// shell renders these in its sidebar and main slots until the integrator swaps the real ones in.

import { useWords } from "./_i18n.ts";
import { SOCIAL_WORDS } from "./_social_words.ts";
import type { Mimi } from "./_use_mimi.ts";

/** What the shell hands the conversation list and the chat pane. */
export interface ChatSlotProps {
  mimi: Mimi;
  /** The conversation open in the main pane, if any: there is one place per conversation. */
  openConversationId: number | undefined;
  /** Opens a conversation; opening the open one focuses it. */
  onOpen(conversationId: number): void;
}

/** The conversations by last activity, each a button that opens it. */
export function ConversationListPlaceholder({ mimi, openConversationId, onOpen }: ChatSlotProps) {
  const w = useWords(SOCIAL_WORDS);
  const { conversations } = mimi.state;
  if (conversations.length === 0) return <p class="muted">{w.noChats}</p>;
  return (
    <ul class="conversations" data-testid="conversations">
      {conversations.map((conversation) => (
        <li key={conversation.id}>
          <button
            type="button"
            class="conversation"
            aria-current={conversation.id === openConversationId ? "true" : undefined}
            data-testid={`conversation-${conversation.title}`}
            onClick={() => onOpen(conversation.id)}
          >
            {conversation.title}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The open conversation's title, where the chat will be. */
export function ChatPanePlaceholder({ mimi, openConversationId }: ChatSlotProps) {
  const conversation = mimi.state.conversations.find((c) => c.id === openConversationId);
  if (!conversation) return null;
  return (
    <section class="card chat-pane" aria-labelledby="chat-title" data-testid="chat-pane">
      <h2 id="chat-title" tabIndex={-1} data-conversation-focus>{conversation.title}</h2>
    </section>
  );
}

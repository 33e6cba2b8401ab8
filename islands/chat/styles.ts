// The stylesheet of the conversation list and the chat pane; the page's stylesheet (routes/_styles.ts) includes it.
// Colours hold 4.5:1 against their backgrounds in light and dark schemes: white on the avatar and badge colours, and
// the shared `--muted` text.

/** CSS of islands/chat/. */
export const CHAT_CSS = `
/* A bounded pane, so the messages scroll inside it (and paging older ones starts from a full view). */
.pane > .chat-pane { height: min(78vh, 56rem); min-height: 24rem; }
.sidebar > .conversations { max-height: min(60vh, 40rem); }
@media (max-width: 48rem) {
  .pane > .chat-pane { height: 80vh; }
}
.conversations {
  display: flex; flex-direction: column; min-height: 0; border: 1px solid var(--line); border-radius: .6rem;
  padding: .75rem;
}
.conversations-head { display: flex; align-items: center; justify-content: space-between; gap: .5rem; }
.conversations-head h2 { margin: 0; }
button.small { padding: .2rem .5rem; font-size: .8rem; }
.conversation-search { margin: .6rem 0; }
.conversation-items { list-style: none; margin: 0; padding: 0; overflow-y: auto; flex: 1; }
.contacts li.contact { flex-wrap: wrap; }
.contacts li.contact .contact-menu, .contacts li.contact .confirm { flex-basis: 100%; flex-wrap: wrap; }
.conversation-items.pinned { flex: none; border-bottom: 1px solid var(--line); }
.avatar.lobby-avatar { background: var(--accent); color: #fff; }
.conversation {
  display: flex; gap: .6rem; align-items: center; width: 100%; padding: .5rem; border: 0; border-radius: .5rem;
  background: none; color: inherit; text-align: left;
}
.conversation:hover { background: color-mix(in srgb, currentColor 6%, transparent); }
.conversation.open { background: color-mix(in srgb, var(--accent) 16%, transparent); }
.conversation-text { flex: 1; min-width: 0; display: grid; gap: .1rem; }
.conversation-line { display: flex; align-items: center; gap: .4rem; min-width: 0; }
.conversation-line .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.conversation-line .presence { flex: 1; font-size: .75rem; overflow: hidden; text-overflow: ellipsis; }
.conversation-line .when { font-size: .75rem; color: var(--muted); white-space: nowrap; }
.preview {
  flex: 1; font-size: .85rem; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}
.unread {
  flex: none; min-width: 1.3rem; padding: 0 .4rem; border-radius: .65rem; background: #c8102e; color: #fff;
  font-size: .75rem; font-weight: 700; line-height: 1.3rem; text-align: center;
}
.avatar {
  position: relative; flex: none; display: inline-flex; align-items: center; justify-content: center;
  width: 2.4rem; height: 2.4rem; border-radius: 50%; color: #fff; font-weight: 700; font-size: .95rem;
}
.avatar.small { width: 2rem; height: 2rem; font-size: .8rem; align-self: flex-start; margin-top: 1.2rem; }
.avatar.spacer { visibility: hidden; }
.avatar .dot { position: absolute; right: -1px; bottom: -1px; border: 2px solid Canvas; width: .8rem; height: .8rem; }
.avatar.c0 { background: #1d5fbf; } .avatar.c1 { background: #9a3412; } .avatar.c2 { background: #166534; }
.avatar.c3 { background: #6b21a8; } .avatar.c4 { background: #9f1239; } .avatar.c5 { background: #115e59; }
.avatar.c6 { background: #854d0e; } .avatar.c7 { background: #3f3f46; }
.chat-pane {
  position: relative; display: flex; flex-direction: column; min-height: 0; min-width: 0;
  border: 1px solid var(--line); border-radius: .6rem;
}
.pane > .chat-pane.empty { height: auto; min-height: 0; }
.chat-pane.empty { align-items: center; justify-content: center; padding: 2rem; }
.chat-pane.dragging { outline: 3px dashed var(--accent); outline-offset: -6px; }
.drop-hint {
  position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; font-weight: 700;
  background: color-mix(in srgb, Canvas 80%, transparent); pointer-events: none;
}
.chat-head { display: flex; align-items: center; gap: .6rem; padding: .6rem .9rem; border-bottom: 1px solid var(--line); }
.chat-head h2 { margin: 0; font-size: 1.05rem; }
.chat-head .presence { font-size: .8rem; }
.message-scroller { position: relative; flex: 1; overflow-y: auto; padding: .5rem .9rem; min-height: 0; }
.history-edge { text-align: center; font-size: .85rem; min-height: 1.5rem; }
.history-edge p { margin: .25rem 0; }
.messages { list-style: none; margin: 0; padding: 0; display: grid; gap: .3rem; }
.day { text-align: center; margin: .6rem 0 .2rem; font-size: .8rem; color: var(--muted); }
.day span { padding: .1rem .6rem; border-radius: .6rem; background: color-mix(in srgb, currentColor 7%, transparent); }
.system-line { text-align: center; font-size: .8rem; color: var(--muted); margin: .2rem 0; }
.message { display: flex; gap: .5rem; align-items: flex-start; }
.message.mine { justify-content: flex-end; }
.bubble-column { display: flex; flex-direction: column; max-width: min(75%, 36rem); min-width: 0; }
.message.mine .bubble-column { align-items: flex-end; }
.sender { font-size: .8rem; font-weight: 600; margin: 0 0 .1rem .2rem; }
.bubble {
  padding: .45rem .7rem; border-radius: .8rem; background: color-mix(in srgb, currentColor 8%, transparent);
  overflow-wrap: anywhere;
}
.message.mine .bubble { background: color-mix(in srgb, var(--accent) 20%, Canvas); }
.message.failed .bubble { outline: 1px solid var(--danger); }
.bubble .text { margin: 0; white-space: pre-wrap; }
.meta { display: flex; align-items: center; gap: .4rem; font-size: .72rem; color: var(--muted); margin: .1rem .3rem 0; }
.failed-text { color: var(--danger); }
.menu { position: relative; }
.menu-button { padding: 0 .35rem; border: 0; background: none; color: inherit; font-size: 1rem; line-height: 1; }
.menu-items {
  position: absolute; right: 0; bottom: 1.4rem; z-index: 2; display: grid; padding: .2rem; border-radius: .4rem;
  border: 1px solid var(--line); background: Canvas;
}
.menu-items button { border: 0; padding: .3rem .8rem; background: none; color: inherit; white-space: nowrap; }
.image-thumb { display: block; padding: 0; border: 0; background: none; cursor: zoom-in; max-width: 100%; }
.image-thumb img, img.image-thumb { display: block; max-width: min(100%, 16rem); max-height: 16rem; border-radius: .5rem; }
.image-placeholder { display: inline-block; padding: .8rem 1rem; font-size: .9rem; }
.image-viewer, .image-preview {
  max-width: min(94vw, 60rem); max-height: 92vh; padding: 1rem; border: 1px solid var(--line); border-radius: .6rem;
  background: Canvas; color: CanvasText;
}
.image-viewer::backdrop, .image-preview::backdrop { background: rgb(0 0 0 / .6); }
.image-viewer img, .image-preview img { display: block; max-width: 100%; max-height: 75vh; margin: .5rem auto; }
.image-viewer .close { float: right; }
.image-preview h2 { margin-top: 0; }
.new-pill {
  position: sticky; bottom: .5rem; display: block; margin: 0 auto; padding: .3rem .9rem; border-radius: 1rem;
  background: var(--accent); border-color: var(--accent); color: #fff; font-size: .85rem;
}
.composer { display: grid; gap: .35rem; padding: .6rem .9rem; border-top: 1px solid var(--line); }
.composer textarea {
  width: 100%; resize: vertical; min-height: 3.2rem; max-height: 40vh; padding: .45rem .6rem;
  border: 1px solid var(--line); border-radius: .35rem; background: none; color: inherit;
}
.composer-bar { display: flex; align-items: center; gap: .6rem; flex-wrap: wrap; }
.composer-bar .hint { flex: 1; font-size: .78rem; min-width: 8rem; }
.composer-bar .counter { font-size: .78rem; font-variant-numeric: tabular-nums; }
.composer-bar .counter.over { font-weight: 600; }
button.icon { padding: .3rem .55rem; }
.spinner-line { display: inline-flex; align-items: center; gap: .35rem; }
.spinner {
  width: .8rem; height: .8rem; border-radius: 50%; border: 2px solid var(--line); border-top-color: var(--accent);
  animation: spin .8s linear infinite;
}
@keyframes spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .spinner { animation-duration: 2.4s; } }
`;

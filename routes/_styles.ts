// The stylesheet served at /static/app.css.

import { CHAT_CSS } from "../islands/chat/styles.ts";

/** CSS for every page. */
export const APP_CSS = `
:root {
  --text-stack: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
    "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  --accent: #2f6fdb;
  --danger: #b42318;
  --muted: color-mix(in srgb, currentColor 60%, transparent);
  --line: color-mix(in srgb, currentColor 18%, transparent);
  --online: #1f9d55;
  font-family: var(--text-stack);
  color-scheme: light dark;
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 80rem; padding: 1.5rem; line-height: 1.5; }
h1 { margin: 0 0 1rem; font-size: 1.6rem; }
h2 { margin: 0 0 .75rem; font-size: 1.2rem; }
h3 { margin: 1.25rem 0 .5rem; font-size: 1rem; }
.tagline { font-size: .9rem; font-weight: normal; color: var(--muted); margin-left: .5rem; }
input { width: 100%; padding: .45rem .6rem; font: inherit; border: 1px solid var(--line); border-radius: .35rem; }
input[aria-invalid="true"] { border-color: var(--danger); }
button {
  padding: .45rem 1rem; font: inherit; border: 1px solid var(--line); border-radius: .35rem; cursor: pointer;
}
button:disabled { cursor: not-allowed; opacity: .55; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.link {
  padding: 0; border: 0; background: none; color: var(--accent); text-decoration: underline; margin-left: .25rem;
}
.muted { color: var(--muted); }
.card { border: 1px solid var(--line); border-radius: .6rem; padding: 1.25rem; }
.auth { max-width: 24rem; margin: 0 auto; }
.stack { display: grid; gap: .75rem; margin-bottom: 1rem; }
.row { display: grid; grid-template-columns: 2fr 1fr; gap: .75rem; }
.field { display: grid; gap: .25rem; }
.field label { font-weight: 600; font-size: .9rem; }
.field-message { margin: 0; color: var(--danger); font-size: .85rem; }
.form-error { margin: 0; color: var(--danger); }
.actions { display: flex; align-items: center; gap: .75rem; }
.saved { color: var(--online); font-size: .9rem; }
.switch { margin: 0; text-align: center; }
.bar {
  display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding: .6rem 1rem; margin-bottom: 1rem; border: 1px solid var(--line); border-radius: .6rem;
}
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; align-items: start; }
.contacts, .requests { list-style: none; margin: 0; padding: 0; }
.contacts li, .requests li {
  display: flex; align-items: center; gap: .6rem; padding: .45rem 0; border-bottom: 1px solid var(--line);
}
.contacts li:last-child, .requests li:last-child { border-bottom: 0; }
.who { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.name { font-weight: 600; }
.presence { font-size: .85rem; color: var(--muted); white-space: nowrap; }
.dot { flex: none; width: .6rem; height: .6rem; border-radius: 50%; background: var(--line); }
.dot.online { background: var(--online); }
.chat-text {
  font-family: var(--chat-font-family, system-ui), "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
    "Source Han Sans SC", "Microsoft YaHei", sans-serif;
  font-size: var(--chat-font-size, 1rem);
}
.font-sample { margin: 0; padding: .6rem .8rem; border-radius: .35rem; background: var(--line); overflow-wrap: anywhere; }
.notice { background: #fff3cd; color: #664d03; padding: .5rem .75rem; border-radius: .35rem; }
.banner { background: #fde8e7; color: #7a1b13; padding: .6rem .9rem; border-radius: .35rem; font-weight: 600; }
.banner p { margin: .25rem 0; }
.banner code { word-break: break-all; font-weight: normal; }
.warning { background: #fff3cd; color: #664d03; }
.bar .muted { margin-left: .5rem; }
.check { display: flex; align-items: center; gap: .5rem; font-size: .9rem; }
.check input { width: auto; margin: 0; }
.security { margin-top: 2rem; font-size: .85rem; color: var(--muted); }
.security p { margin: .25rem 0; }
.suite { margin-left: .75rem; font-family: ui-monospace, monospace; }
.fingerprint code { word-break: break-all; }
.devices { margin-top: 1rem; }
.devices p { margin: 0 0 .75rem; }
.disclosure {
  display: flex; align-items: center; gap: .5rem; width: 100%; padding: 0; border: 0; background: none;
  font: inherit; font-weight: inherit; color: inherit; text-align: left;
}
.chevron::before { content: "▸"; display: inline-block; transition: transform .15s; }
.disclosure[aria-expanded="true"] .chevron::before { transform: rotate(90deg); }
@media (prefers-reduced-motion: reduce) { .chevron::before { transition: none; } }
.device-list { list-style: none; margin: 0 0 .75rem; padding: 0; }
.device-list li { padding: .6rem 0; border-bottom: 1px solid var(--line); }
.device-list li:last-child { border-bottom: 0; }
.device-line { display: flex; align-items: center; gap: .6rem; }
.devices .device-dates { margin: .15rem 0 0; font-size: .85rem; }
.badge {
  margin-left: .5rem; padding: .05rem .45rem; border-radius: .6rem; font-size: .75rem; font-weight: 600;
  background: color-mix(in srgb, var(--accent) 15%, transparent); color: var(--accent);
}
.confirm { margin-top: .5rem; padding: .6rem .8rem; border: 1px solid var(--danger); border-radius: .35rem; }
.devices .confirm p { margin: 0 0 .5rem; }
button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
button[aria-disabled="true"] { cursor: not-allowed; opacity: .55; }
.topbar { display: flex; align-items: center; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }
.language { display: flex; align-items: center; gap: .5rem; font-size: .9rem; }
select { padding: .35rem .5rem; font: inherit; border: 1px solid var(--line); border-radius: .35rem; }
.shell { display: grid; grid-template-columns: minmax(16rem, 22rem) 1fr; gap: 1rem; align-items: start; }
.sidebar, .pane { display: grid; gap: 1rem; min-width: 0; }
@media (max-width: 48rem) { .shell { grid-template-columns: 1fr; } }
.member { border: 0; background: none; padding: 0; text-align: left; color: inherit; }
.requests li { flex-wrap: wrap; }
.note { margin: .15rem 0 0; white-space: pre-wrap; }
.picker { border: 1px solid var(--line); border-radius: .35rem; display: grid; gap: .25rem; }
.sent { margin: 0; padding-left: 1rem; font-size: .9rem; }
.room-panel .contacts li { flex-wrap: wrap; }
.owner-tools { margin-top: 1rem; }
.screen { max-width: 40rem; margin: 0 auto 1rem; }
.screen h2 { margin-top: 0; }
[tabindex="-1"]:focus { outline: none; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; border: 0;
}
${CHAT_CSS}`;

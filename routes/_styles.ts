// The stylesheet served at /static/app.css.

/** CSS for every page. */
export const APP_CSS = `
:root { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; color-scheme: light dark; }
body { margin: 0 auto; max-width: 40rem; padding: 1.5rem; line-height: 1.5; }
h1 { margin-top: 0; }
form { display: flex; gap: .5rem; }
input { flex: 1; padding: .4rem; font: inherit; }
button { padding: .4rem .9rem; font: inherit; }
.error { color: #c0392b; margin-left: .75rem; }
.suite { margin-left: .75rem; font-family: ui-monospace, monospace; font-size: .85em; opacity: .8; }
.fingerprint code { font-size: .85em; word-break: break-all; }
.notice { background: #fff3cd; color: #664d03; padding: .5rem .75rem; border-radius: .25rem; }
`;

// The home page: server-rendered shell with the web client island.

import type { ComponentChildren } from "preact";
import type { PageSettings } from "../core/client/mod.ts";
import { Island } from "./_island.tsx";

/** The HTML shell every page shares. */
export function Layout({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        {children}
        <script type="module" src="/static/islands.js"></script>
      </body>
    </html>
  );
}

/** `/`: the web client's entry page; `settings` go to the browser as the island's props. */
export function IndexPage({ settings }: { settings: PageSettings }) {
  return (
    <Layout title="Mimi">
      <main>
        <h1>
          Mimi 秘密 <span class="tagline">a secure, self-hosted messenger</span>
        </h1>
        <Island name="MimiApp" props={{ settings }} />
      </main>
    </Layout>
  );
}

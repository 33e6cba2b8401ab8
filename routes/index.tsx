// The home page: server-rendered shell with the web client island.

import type { ComponentChildren } from "preact";
import type { PageSettings } from "../core/client/mod.ts";
import type { Locale } from "../islands/_i18n.ts";
import { Island } from "./_island.tsx";

/** The HTML shell every page shares, in `lang`. */
export function Layout({ title, lang, children }: { title: string; lang: Locale; children: ComponentChildren }) {
  return (
    <html lang={lang}>
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

/**
 * `/`: the web client's entry page in `locale`; `settings` and `locale` go to the browser as the island's props, so
 * the page hydrates in the language the server rendered it in.
 */
export function IndexPage({ settings, locale }: { settings: PageSettings; locale: Locale }) {
  return (
    <Layout title="Mimi" lang={locale}>
      <main>
        <Island name="MimiApp" props={{ settings, locale }} />
      </main>
    </Layout>
  );
}

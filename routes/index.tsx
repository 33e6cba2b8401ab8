// The home page: server-rendered shell with the web client island.

import type { ComponentChildren } from "preact";
import type { PageSettings } from "../core/client/mod.ts";
import type { Locale } from "../islands/_i18n.ts";
import { Island } from "./_island.tsx";

/** Where a page's built files are (hashed names under /static/); without a build, only the style sheet. */
export interface PageAssets {
  css: string;
  /** The page's script, an ES module; it starts the worker named on its tag (`data-worker`). */
  client?: string;
  /** Chunks the script imports at once: fetched alongside it rather than after it. */
  preload: string[];
  /** The OPAQUE worker's script. */
  worker?: string;
}

/** The HTML shell every page shares, in `lang`. */
export function Layout(
  { title, lang, assets, children }: { title: string; lang: Locale; assets: PageAssets; children: ComponentChildren },
) {
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={assets.css} />
        {assets.preload.map((href) => <link key={href} rel="modulepreload" href={href} />)}
      </head>
      <body>
        {children}
        {assets.client && <script type="module" src={assets.client} data-worker={assets.worker}></script>}
      </body>
    </html>
  );
}

/**
 * `/`: the web client's entry page in `locale`; `settings` and `locale` go to the browser as the island's props, so
 * the page hydrates in the language the server rendered it in. The island's first screen (log in) is in the HTML
 * itself, so it can be filled in while the script is still on its way.
 */
export function IndexPage(
  { settings, locale, assets }: { settings: PageSettings; locale: Locale; assets: PageAssets },
) {
  return (
    <Layout title="Mimi" lang={locale} assets={assets}>
      <main>
        {!assets.client && (
          <p class="notice" role="alert">
            {locale === "zh-CN"
              ? "网页客户端尚未构建，此页面无法登录：请服务器管理员运行 deno task build。"
              : "The web client is not built, so this page cannot log in: its operator must run deno task build."}
          </p>
        )}
        <Island name="MimiApp" props={{ settings, locale }} />
      </main>
    </Layout>
  );
}

// The home page: server-rendered shell with the web client island.

import type { ComponentChildren } from "preact";
import type { PageSettings } from "../core/client/mod.ts";
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

/** The HTML shell every page shares. */
export function Layout(
  { title, assets, children }: { title: string; assets: PageAssets; children: ComponentChildren },
) {
  return (
    <html lang="en">
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
 * `/`: the web client's entry page; `settings` go to the browser as the island's props. The island's first screen
 * (log in) is in the HTML itself, so it can be filled in while the script is still on its way.
 */
export function IndexPage({ settings, assets }: { settings: PageSettings; assets: PageAssets }) {
  return (
    <Layout title="Mimi" assets={assets}>
      <main>
        <h1>
          Mimi 秘密 <span class="tagline">a secure, self-hosted messenger</span>
        </h1>
        {!assets.client && (
          <p class="notice" role="alert">
            The web client is not built, so this page cannot log in: its operator must run deno task build.
          </p>
        )}
        <Island name="MimiApp" props={{ settings }} />
      </main>
    </Layout>
  );
}

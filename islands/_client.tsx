// Bundle entry: starts the OPAQUE worker, then hydrates every element the server marked with data-island (see
// routes/_island.tsx), keeping whatever the user typed into the server-rendered forms meanwhile.

import { hydrate } from "preact";
import { noteTyped, restoreTyped } from "./_keep_typed.ts";
import { pageOpaque } from "./_page_opaque.ts";
import { ISLANDS } from "./registry.ts";

// First, so OPAQUE's WebAssembly downloads and compiles while the user is still typing.
pageOpaque();

for (const element of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const Component = ISLANDS[element.dataset.island ?? ""];
  if (!Component) {
    console.error(`Unknown island "${element.dataset.island}"`);
    continue;
  }
  const typed = noteTyped(element);
  hydrate(<Component {...JSON.parse(element.dataset.props ?? "{}")} />, element);
  restoreTyped(typed);
}

// Bundle entry: hydrates every element the server marked with data-island (see routes/_island.tsx).

import { hydrate } from "preact";
import { ISLANDS } from "./registry.ts";

for (const element of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const Component = ISLANDS[element.dataset.island ?? ""];
  if (!Component) {
    console.error(`Unknown island "${element.dataset.island}"`);
    continue;
  }
  hydrate(<Component {...JSON.parse(element.dataset.props ?? "{}")} />, element);
}

// Every island by name: the page renders them on the server, the bundle hydrates them in the browser.

import type { FunctionComponent } from "preact";
import { MimiApp } from "./MimiApp.tsx";

/** Islands by the name written into `data-island`. */
// deno-lint-ignore no-explicit-any
export const ISLANDS: Record<string, FunctionComponent<any>> = { MimiApp };

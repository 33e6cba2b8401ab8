// Server-side wrapper that renders an island and marks it for hydration by islands/_client.tsx.

import { ISLANDS } from "../islands/registry.ts";

/**
 * Renders island `name` with `props` and records both in data attributes.
 *
 * @param props `name` from `ISLANDS`; `props`, JSON-serialisable.
 */
export function Island({ name, props }: { name: string; props: Record<string, unknown> }) {
  const Component = ISLANDS[name];
  if (!Component) throw new TypeError(`Unknown island "${name}"`);
  return (
    <div data-island={name} data-props={JSON.stringify(props)}>
      <Component {...props} />
    </div>
  );
}

// A labelled checkbox, as the forms use them: the label wraps the box, so a click on the words ticks it.

import type { ComponentChildren } from "preact";

/**
 * A checkbox with its label.
 *
 * @param props `id` (the label's `for`), `checked`, `onChange` with the new value, and the label's words as children.
 */
export function Check({ id, checked, onChange, children }: {
  id: string;
  checked: boolean;
  onChange(checked: boolean): void;
  children: ComponentChildren;
}) {
  return (
    <label class="check" for={id}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange((event.target as HTMLInputElement).checked)}
      />
      {children}
    </label>
  );
}

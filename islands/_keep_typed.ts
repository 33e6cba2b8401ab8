// What the user did to a server-rendered form before the script arrived: kept across hydration.

/** The fields' values, the focused field and its selection, as they were before hydration. */
export interface TypedState {
  values: { element: HTMLInputElement | HTMLTextAreaElement; value: string; checked: boolean }[];
  focused: Element | null;
  selection: { start: number | null; end: number | null; direction: "forward" | "backward" | "none" | null } | null;
}

/**
 * Notes what the user typed into `root`'s fields, and which field has focus with what selected.
 *
 * @param root The island's element, before `hydrate()`.
 * @returns What {@link restoreTyped} puts back.
 */
export function noteTyped(root: Element): TypedState {
  const values = [...root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")]
    .map((element) => ({
      element,
      value: element.value,
      checked: element instanceof HTMLInputElement && element.checked,
    }));
  const focused = root.contains(document.activeElement) ? document.activeElement : null;
  const field = focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement ? focused : null;
  let selection: TypedState["selection"] = null;
  try {
    if (field) {
      selection = { start: field.selectionStart, end: field.selectionEnd, direction: field.selectionDirection };
    }
  } catch (error) {
    // Only some input types have a selection (not checkboxes): reading it elsewhere throws InvalidStateError.
    if (!(error instanceof DOMException)) throw error;
  }
  return { values, focused, selection };
}

/**
 * Puts back what {@link noteTyped} saw after `hydrate()`: each changed value is set again and announced with the
 * event its component listens for (`input`, or `change` for a checkbox), so the component's state holds it too; then
 * focus and selection return where they were.
 *
 * @param state What was noted before hydration.
 */
export function restoreTyped(state: TypedState): void {
  // Hydration keeps the server's elements when its first render matches them; where it did not, the element with the
  // same id stands in for the one replaced.
  const current = (element: Element): Element | null =>
    element.isConnected ? element : element.id ? document.getElementById(element.id) : null;
  for (const noted of state.values) {
    const { value, checked } = noted;
    const element = current(noted.element);
    if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) continue;
    const box = element instanceof HTMLInputElement && (element.type === "checkbox" || element.type === "radio");
    // Compared with what the server rendered: anything else is the user's doing, which the component has not seen.
    if (box) {
      if (checked === element.defaultChecked) continue;
      element.checked = checked;
      element.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (value !== element.defaultValue) {
      element.value = value;
      element.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
  const { selection } = state;
  const focused = state.focused && current(state.focused);
  if (focused instanceof HTMLElement && document.activeElement !== focused) focused.focus();
  if (selection && (focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement)) {
    try {
      focused.setSelectionRange(selection.start, selection.end, selection.direction ?? undefined);
    } catch (error) {
      // As in noteTyped: a field without a selection.
      if (!(error instanceof DOMException)) throw error;
    }
  }
}

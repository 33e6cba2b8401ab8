// A form's request: whether it is in flight (to disable the submit button) and its error in words.

import { useEffect, useRef, useState } from "preact/hooks";
import { useLocale } from "./_i18n.ts";
import { errorText } from "./_words.ts";

/** {@link useAction}'s answer. */
export interface Action {
  /** A request is in flight. */
  busy: boolean;
  /** The last failure in words, or "". */
  error: string;
  /** Shows a message without a request, e.g. a client-side check that failed. */
  setError(message: string): void;
  /** Runs `request` unless one is in flight; resolves `true` when it succeeded. */
  run(request: () => Promise<void>): Promise<boolean>;
}

/**
 * Tracks one request at a time for a form.
 *
 * @returns The state and `run`.
 */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const mounted = useRef(true);
  const inFlight = useRef(false);
  const locale = useLocale();
  useEffect(() => () => void (mounted.current = false), []);

  const run = async (request: () => Promise<void>) => {
    if (inFlight.current) return false;
    inFlight.current = true;
    setBusy(true);
    setError("");
    try {
      await request();
      return true;
    } catch (failure) {
      // Not swallowed: the form shows it. A success may unmount the form (login), a failure never does.
      if (mounted.current) setError(errorText(failure, locale));
      return false;
    } finally {
      inFlight.current = false;
      if (mounted.current) setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

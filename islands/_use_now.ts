// The current time for relative dates ("5 minutes ago"), refreshed on a period so they stay true while shown.

import { useEffect, useState } from "preact/hooks";

/**
 * Re-renders every `ms` with the time then.
 *
 * @param ms How often, in milliseconds.
 * @returns The current time, in milliseconds since the epoch.
 */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

// Screens loaded on demand: their code is a chunk of its own, which the sign-in page need not wait for.

import { type FunctionComponent, h } from "preact";
import { useEffect, useState } from "preact/hooks";

/**
 * A component whose code comes from `load()` (an `import()`, which the bundler makes a chunk of its own). In the
 * browser the chunk is fetched at once, in the background, while the user is still signing in; until it is there the
 * component draws nothing, and a chunk that fails to load says so.
 *
 * @param load Imports the module and picks the component from it.
 * @returns The component to render in its place.
 */
export function lazy<P extends object>(load: () => Promise<FunctionComponent<P>>): FunctionComponent<P> {
  let loaded: FunctionComponent<P> | undefined;
  let loading: Promise<FunctionComponent<P>> | undefined;
  const start = () =>
    loading ??= load().then((component) => loaded = component, (error) => {
      loading = undefined; // the next render tries again
      throw error;
    });
  // Not on the server, which renders only the signed-out screens and must not wait for these.
  if (typeof document !== "undefined") {
    setTimeout(() =>
      start().catch(() => {
        // Swallowed here only: the component, once drawn, loads again and shows the failure.
      }), 0);
  }
  return function Lazy(props: P) {
    const [, loadedNow] = useState(0);
    const [failure, setFailure] = useState<Error | undefined>(undefined);
    useEffect(() => {
      if (loaded) return;
      let current = true;
      start().then(() => current && loadedNow((n) => n + 1), (error: Error) => current && setFailure(error));
      return () => void (current = false);
    }, []);
    if (loaded) return h(loaded, props);
    if (failure) {
      return (
        <p class="form-error" role="alert">
          This screen could not be loaded ({failure.message}). Check the connection and reload the page.
        </p>
      );
    }
    return null;
  };
}

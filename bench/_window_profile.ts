// A V8 CPU profile of a running process over one window of time, taken through its inspector (`--inspect`): the
// `--cpu-prof` profile covers a process's whole life and is written only when it exits cleanly, so a window of idle
// seconds after a minute of handshakes cannot be told apart in it.

/**
 * Profiles the process whose inspector listens at `url` for `ms`, and writes the profile to `file` (open it in
 * Chrome's DevTools, or summarise it with bench/profile_summary.ts).
 *
 * @param url The inspector's WebSocket URL, as the process printed it ("Debugger listening on ws://…").
 * @param ms How long to sample.
 * @param file Where the `.cpuprofile` goes.
 */
export async function profileWindow(url: string, ms: number, file: string): Promise<void> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`Could not reach the inspector at ${url}`));
  });
  let nextId = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
    if (message.id === undefined) return; // an event; none is asked for
    waiting.get(message.id)?.(
      message.error ? Promise.reject(new Error(JSON.stringify(message.error))) : message.result,
    );
    waiting.delete(message.id);
  };
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call("Profiler.enable");
    await call("Profiler.setSamplingInterval", { interval: 250 });
    await call("Profiler.start");
    await new Promise((resolve) => setTimeout(resolve, ms));
    const { profile } = await call("Profiler.stop") as { profile: unknown };
    await Deno.writeTextFile(file, JSON.stringify(profile));
    await call("Profiler.disable");
  } finally {
    socket.close();
  }
}

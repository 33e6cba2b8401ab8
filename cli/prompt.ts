// Reads a password from the terminal without echoing it, or one line from piped standard input.

const encoder = new TextEncoder();

/**
 * Asks for a password.
 *
 * @param prompt Shown on stderr when standard input is a terminal.
 * @returns The line typed (without the line break); rejects if input ends first.
 */
export async function readPassword(prompt: string): Promise<string> {
  const tty = Deno.stdin.isTerminal();
  if (tty) {
    await Deno.stderr.write(encoder.encode(prompt));
    Deno.stdin.setRaw(true);
  }
  try {
    const bytes: number[] = [];
    const buffer = new Uint8Array(1);
    while (true) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) {
        if (bytes.length === 0) throw new Error("No password given on standard input");
        break;
      }
      const byte = buffer[0];
      if (byte === 0x0a || byte === 0x0d) break;
      if (tty && byte === 0x03) throw new Error("Cancelled");
      if (tty && (byte === 0x7f || byte === 0x08)) {
        bytes.pop();
        continue;
      }
      bytes.push(byte);
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  } finally {
    if (tty) {
      Deno.stdin.setRaw(false);
      await Deno.stderr.write(encoder.encode("\n"));
    }
  }
}

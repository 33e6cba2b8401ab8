// Signing in before the screen is drawn: the remembered device when there is one, else prompts on the terminal for
// a login or a new account, the password typed without echo (cli/prompt.ts).

import { type MimiConnection, ProtocolError } from "../../core/client/mod.ts";
import { PromptError, readNewPassword, readPassword } from "../prompt.ts";

/** How many wrong passwords in a row end the attempt (the server rate-limits more after that anyway). */
const TRIES = 3;

/**
 * Reads one line typed at the terminal (echoed, as the terminal's line editing gives it).
 *
 * @param prompt Shown first, on stderr.
 * @returns The line without its break.
 * @throws {PromptError} `ended` when input ends (Ctrl-D) before a line.
 */
export async function readLine(prompt: string): Promise<string> {
  await writeErr(prompt);
  const bytes: number[] = [];
  const byte = new Uint8Array(1);
  while (true) {
    // One byte at a time: what is typed after the line belongs to the next prompt, or to the screen.
    const n = await Deno.stdin.read(byte);
    if (n === null) {
      if (bytes.length === 0) throw new PromptError("ended", "Input ended");
      break;
    }
    if (byte[0] === 0x0a) break;
    bytes.push(byte[0]);
  }
  return new TextDecoder().decode(new Uint8Array(bytes)).replace(/\r$/, "").trim();
}

async function writeErr(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  for (let done = 0; done < bytes.length;) done += await Deno.stderr.write(bytes.subarray(done));
}

/**
 * Signs the connection in, unless it resumed with the remembered device already.
 *
 * @param connection An open connection.
 * @param server `host:port`, named in the prompts.
 * @param say Writes a line for the user.
 * @returns True once signed in; false after {@link TRIES} refused logins.
 * @throws {PromptError} When the user cancels or input ends.
 */
export async function signIn(
  connection: MimiConnection,
  server: string,
  say: (line: string) => void,
): Promise<boolean> {
  if (connection.getSnapshot().session.state === "signedIn") return true;
  say(`Log in to ${server}: type your username, or "new" to create an account.`);
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    let username = "";
    while (username === "") username = await readLine("Username: ");
    if (username === "new") {
      username = await register(connection, say);
      if (username === "") continue;
    }
    const password = await readPassword("Password: ");
    const answer = await readLine("Stay signed in on this machine? [y/N] ");
    const remember = /^y(es)?$/i.test(answer) ? { remember: `Terminal on ${Deno.build.os}` } : {};
    try {
      await connection.login(username, password, remember);
      return true;
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      say(`${error.message}${attempt < TRIES ? "; try again." : ""}`);
    }
  }
  return false;
}

/** Creates an account with prompts; returns its username, or "" when the server refused (said why). */
async function register(connection: MimiConnection, say: (line: string) => void): Promise<string> {
  const username = await readLine("New username: ");
  const nickname = await readLine("Nickname (shown to others, any script): ");
  const invite = await readLine("Invite code (Enter if the server needs none): ");
  const password = await readNewPassword("Password: ", "Repeat the password: ");
  try {
    const user = await connection.register(username, nickname, password, invite ? { invite } : {});
    say(`Registered ${user.username} (${user.nickname}); now log in.`);
    return user.username;
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    say(error.message);
    return "";
  }
}

export { PromptError };

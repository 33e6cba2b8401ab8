// The OPAQUE server setup (OPRF seed and server key pair): created once in the data directory, owner-only.

import type { OpaqueServer } from "./opaque_server.ts";

/** The setup file's name inside the data directory. */
export const OPAQUE_SETUP_FILE = "opaque_server_setup";

/**
 * Loads the OPAQUE server setup, creating it (mode 0600) on first start. Losing it makes every stored registration
 * record useless, so it lives beside the database and is backed up with it.
 *
 * @param dataDir The data directory.
 * @param opaque Where the OPAQUE steps run.
 * @returns The serialized setup for `@serenity-kit/opaque`.
 */
export async function loadOpaqueSetup(dataDir: string, opaque: OpaqueServer): Promise<string> {
  const path = `${dataDir}/${OPAQUE_SETUP_FILE}`;
  try {
    const text = (await Deno.readTextFile(path)).trim();
    await opaque.checkSetup(text); // throws on a corrupt file: refuse to start rather than fail every login
    return text;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new Error(`OPAQUE server setup ${path} is unusable`, { cause: error });
    }
  }
  const setup = await opaque.createSetup(null);
  await Deno.writeTextFile(path, setup + "\n", { mode: 0o600, createNew: true });
  return setup;
}

// The server's long-term signing keys: created on first start in the data directory, readable by the owner only.

import { ALGORITHMS } from "../core/crypto/suites.ts";
import type { ServerKeys } from "../core/crypto/identity.ts";
import { fromHex, hex, utf8 } from "../core/bytes/mod.ts";
import type { CryptoProvider, SigId } from "../core/crypto/primitives/types.ts";
import type { Logger } from "./log.ts";

/** The key file's name inside the data directory. */
export const IDENTITY_FILE = "server_identity.json";

interface IdentityFile {
  version: 1;
  keys: Partial<Record<SigId, { secretKey: string; publicKey: string }>>;
}

/**
 * Loads the server's signing keys, creating them (mode 0600) on first start.
 * A file readable by others is tightened to 0600 with a warning.
 *
 * @param dataDir The data directory.
 * @param provider Generates and checks the keys.
 * @param logger Where warnings go.
 * @returns One key pair per signature scheme.
 */
export async function loadServerKeys(dataDir: string, provider: CryptoProvider, logger: Logger): Promise<ServerKeys> {
  const path = `${dataDir}/${IDENTITY_FILE}`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return await createKeys(path, provider, logger);
  }
  if (Deno.build.os !== "windows") {
    const { mode } = await Deno.stat(path);
    if (mode !== null && (mode & 0o077) !== 0) {
      logger.warn("identity_permissions", { path, mode: (mode & 0o777).toString(8), fixedTo: "600" });
      await Deno.chmod(path, 0o600);
    }
  }
  return await parseKeys(path, text, provider);
}

async function createKeys(path: string, provider: CryptoProvider, logger: Logger): Promise<ServerKeys> {
  const keys: ServerKeys = {};
  const file: IdentityFile = { version: 1, keys: {} };
  for (const sig of ALGORITHMS.sig) {
    const pair = provider.signature(sig).generateKeyPair();
    keys[sig] = pair;
    file.keys[sig] = { secretKey: hex(pair.secretKey), publicKey: hex(pair.publicKey) };
  }
  // createNew: two servers starting on one directory must not overwrite each other's key.
  await Deno.writeTextFile(path, JSON.stringify(file, null, 2) + "\n", { mode: 0o600, createNew: true });
  logger.info("identity_created", { path });
  return keys;
}

async function parseKeys(path: string, text: string, provider: CryptoProvider): Promise<ServerKeys> {
  const fail = (why: string) => new Error(`Server identity ${path} is unusable: ${why}`);
  let file: IdentityFile;
  try {
    file = JSON.parse(text);
  } catch (error) {
    throw new Error(`Server identity ${path} is not valid JSON`, { cause: error });
  }
  if (file?.version !== 1 || typeof file.keys !== "object" || file.keys === null) throw fail("unknown format");
  const keys: ServerKeys = {};
  for (const sig of ALGORITHMS.sig) {
    const entry = file.keys[sig];
    if (!entry) continue;
    const pair = { secretKey: fromHex(entry.secretKey), publicKey: fromHex(entry.publicKey) };
    // A key pair that cannot sign and verify would fail every handshake later; refuse it now.
    const probe = utf8("mimi identity self-test");
    const scheme = provider.signature(sig);
    if (!await scheme.verify(pair.publicKey, probe, await scheme.sign(pair.secretKey, probe))) {
      throw fail(`its ${sig} key pair does not match`);
    }
    keys[sig] = pair;
  }
  if (Object.keys(keys).length === 0) throw fail("it holds no keys");
  return keys;
}

// A file only its owner may read: refused when the group or others may, and replaced whole with mode 0600.

/** Permission bits for the group and others: any of them set lets another user of the machine read the file. */
const NOT_OWNER = 0o077;

/** A private file the group or others may read or change: the caller refuses to use it. */
export class ExposedFileError extends Error {
  override name = "ExposedFileError";

  /**
   * @param path The file.
   * @param mode Its permission bits (`0o644`).
   */
  constructor(readonly path: string, readonly mode: number) {
    super(`${path} may be read by other users of this machine (mode ${mode.toString(8)})`);
  }
}

/**
 * Reads a private file's text, after checking that only its owner may read or change it.
 *
 * @param path The file.
 * @returns Its text, or undefined when it does not exist.
 * @throws {ExposedFileError} If the group or others may read or change it.
 *
 * @example
 * ```ts ignore
 * import { readPrivateFile } from "./private_file.ts";
 * const text = await readPrivateFile(`${Deno.env.get("HOME")}/.mimi/device_keys`) ?? "{}";
 * ```
 */
export async function readPrivateFile(path: string): Promise<string | undefined> {
  try {
    const { mode } = await Deno.stat(path);
    // Windows has no mode bits (null): its ACLs are left to the user's profile directory.
    if (mode !== null && (mode & NOT_OWNER) !== 0) throw new ExposedFileError(path, mode & 0o777);
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Replaces a private file whole with mode 0600: a temporary file beside it, renamed over it, so a reader at the same
 * time sees the old file or the new one, never half of one. Its directory is made with mode 0700 if missing.
 *
 * @param path The file.
 * @param text What it is to hold.
 *
 * @example
 * ```ts ignore
 * import { writePrivateFile } from "./private_file.ts";
 * await writePrivateFile(`${Deno.env.get("HOME")}/.mimi/device_keys`, "{}\n");
 * ```
 */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const dir = path.replace(/[/\\][^/\\]*$/, "");
  if (dir && dir !== path) await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(temporary, text, { mode: 0o600, createNew: true });
    // The mode of writeTextFile applies at creation and through the umask; chmod makes it exactly 0600.
    if (Deno.build.os !== "windows") await Deno.chmod(temporary, 0o600);
    await Deno.rename(temporary, path);
  } catch (error) {
    // The temporary file may never have been made, and a failure to remove it says less than the write's own error,
    // which is what the caller is told; a leftover is mode 0600 like the file itself.
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

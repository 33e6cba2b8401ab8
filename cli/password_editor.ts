// Line editing for a password typed on a raw-mode terminal: bytes in, characters kept, nothing echoed.

/**
 * What one byte did to the line: `more` (keep reading), `enter` (the line is done), `cancel` (Ctrl-C) or `end`
 * (Ctrl-D on an empty line: the user has no password to give).
 */
export type EditResult = "more" | "enter" | "cancel" | "end";

const ENTER_CR = 0x0d;
const ENTER_LF = 0x0a;
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_H = 0x08;
const TAB = 0x09;
const CTRL_U = 0x15;
const ESC = 0x1b;
const DELETE = 0x7f;

/**
 * Edits one password line from raw terminal bytes.
 *
 * Input is decoded as UTF-8 as it arrives, so the line holds characters (code points), not bytes: Backspace removes
 * the last character whole, whether it took one byte (`a`) or three (`码`). A raw terminal delivers keys, not lines,
 * so the editor also does what the terminal's line discipline would: Ctrl-U clears the line, arrow and function keys
 * (escape sequences) are ignored rather than becoming part of the password, and other control characters are dropped.
 *
 * @example
 * ```ts
 * import { PasswordEditor } from "./password_editor.ts";
 * const editor = new PasswordEditor();
 * for (const byte of new TextEncoder().encode("密码码\x7f")) editor.push(byte);
 * editor.push(0x0d); // "enter"
 * editor.take(); // "密码"
 * ```
 */
export class PasswordEditor {
  #decoder = new TextDecoder("utf-8", { fatal: true });
  #chars: string[] = [];
  /** Where we are in an escape sequence: CSI (`ESC [` … final byte) or SS3 (`ESC O` and one byte). */
  #escape: "none" | "esc" | "csi" | "ss3" = "none";
  /** Bytes of a multi-byte character the decoder holds until the character is complete. */
  #partial = 0;
  #invalid = false;

  /**
   * Feeds one byte read from the terminal.
   *
   * @param byte The byte, 0 to 255.
   * @returns What the byte did; after `enter`, call {@linkcode PasswordEditor.take}.
   */
  push(byte: number): EditResult {
    if (this.#escape !== "none" && this.#skipEscape(byte)) return "more";
    switch (byte) {
      case ENTER_CR:
      case ENTER_LF:
        this.#decode(new Uint8Array(0), false);
        return "enter";
      case CTRL_C:
        return "cancel";
      case CTRL_D:
        // As in a shell: Ctrl-D ends input only on an empty line; with text typed it does nothing.
        return this.#chars.length === 0 && !this.#invalid ? "end" : "more";
      case DELETE:
      case CTRL_H:
        // A character cut short is the last thing typed: Backspace removes it, not the one before.
        if (this.#partial === 0) this.#chars.pop();
        this.#resetDecoder();
        return "more";
      case CTRL_U:
        this.#resetDecoder();
        this.#chars = [];
        this.#invalid = false;
        return "more";
      case ESC:
        this.#resetDecoder();
        this.#escape = "esc";
        return "more";
    }
    if ((byte < 0x20 && byte !== TAB)) return "more";
    this.#decode(Uint8Array.of(byte), true);
    return "more";
  }

  /**
   * Whether bytes that are not UTF-8 were typed since the line was last cleared; they are not part of
   * {@linkcode PasswordEditor.take}'s result, so the caller should refuse the line rather than use a different password
   * from the one the user meant.
   */
  get invalid(): boolean {
    return this.#invalid;
  }

  /**
   * Returns the line and forgets it, so the password does not outlive its use here.
   *
   * @returns The characters typed, joined.
   */
  take(): string {
    const line = this.#chars.join("");
    this.#chars = [];
    this.#invalid = false;
    this.#resetDecoder();
    return line;
  }

  /** Returns true if `byte` belonged to the escape sequence in progress. */
  #skipEscape(byte: number): boolean {
    if (this.#escape === "esc") {
      // ESC [ and ESC O start the sequences that arrow, Home, End and function keys send.
      if (byte === 0x5b) this.#escape = "csi";
      else if (byte === 0x4f) this.#escape = "ss3";
      else {
        // A lone Escape key press: the next byte is ordinary input.
        this.#escape = "none";
        return false;
      }
      return true;
    }
    // A control byte cannot be inside a sequence: the sequence was cut short, and Ctrl-C must still cancel.
    if (byte < 0x20) {
      this.#escape = "none";
      return false;
    }
    // CSI ends with a byte from 0x40 to 0x7e (ECMA-48 §5.4); SS3 is followed by exactly one byte.
    if (this.#escape === "ss3" || (byte >= 0x40 && byte <= 0x7e)) this.#escape = "none";
    return true;
  }

  #decode(bytes: Uint8Array, stream: boolean): void {
    try {
      const text = this.#decoder.decode(bytes, { stream });
      this.#chars.push(...text);
      this.#partial = text === "" ? this.#partial + bytes.length : 0;
    } catch (error) {
      // A fatal decoder throws TypeError on bytes that are not UTF-8: note it for the caller, who asks again.
      if (!(error instanceof TypeError)) throw error;
      this.#invalid = true;
      this.#resetDecoder();
    }
  }

  /** Drops a partly typed multi-byte character, which the next edit makes meaningless. */
  #resetDecoder(): void {
    this.#decoder = new TextDecoder("utf-8", { fatal: true });
    this.#partial = 0;
  }
}

// The logged-out screens: log in, and register with checks as the user types.

import type { ComponentChildren, InputHTMLAttributes } from "preact";
import { useState } from "preact/hooks";
import { parseNickname, parseUsername, ProtocolError } from "../core/client/mod.ts";
import { ACCOUNT_WORDS } from "./_account_words.ts";
import { useLocale, useWords } from "./_i18n.ts";
import { useAction } from "./_use_action.ts";
import { ruleText } from "./_words.ts";
import { Check } from "./_check.tsx";

/** A labelled input with an optional message under it. */
export function Field(
  { id, label, value, onInput, message, ...input }: {
    id: string;
    label: string;
    value: string;
    onInput(value: string): void;
    message?: string;
    type?: "text" | "password" | "number";
    autocomplete?: string;
    min?: number;
    max?: number;
    list?: string;
    placeholder?: string;
  },
) {
  // Preact types each input type with its own ARIA roles; these attributes suit every type allowed above.
  const attributes = input as InputHTMLAttributes;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        value={value}
        onInput={(e) => onInput((e.target as HTMLInputElement).value)}
        aria-invalid={message ? "true" : undefined}
        aria-describedby={message ? `${id}-message` : undefined}
        {...attributes}
      />
      {message && <p class="field-message" id={`${id}-message`}>{message}</p>}
    </div>
  );
}

/**
 * "Remember this device": shown only where the browser can keep a device key (WebCrypto and IndexedDB). Checked, the
 * login makes a key that never leaves this browser, and a reload or a server restart keeps the user signed in.
 */
function RememberDevice({ id, checked, onChange }: { id: string; checked: boolean; onChange(value: boolean): void }) {
  const w = useWords(ACCOUNT_WORDS);
  return <Check id={id} checked={checked} onChange={onChange}>{w.rememberDevice}</Check>;
}

/** A form's failure, announced to screen readers. */
export function FormError({ children }: { children: ComponentChildren }) {
  return children ? <p class="form-error" role="alert" data-testid="form-error">{children}</p> : null;
}

/**
 * Log in: username and password, and "remember this device" where the browser can; Enter submits. `notice` is news
 * from the previous screen (an account created).
 */
export function LoginForm({ connected, canRemember, onLogin, onRegister, initialUsername = "", notice }: {
  connected: boolean;
  canRemember: boolean;
  onLogin(username: string, password: string, remember: boolean): Promise<void>;
  onRegister(): void;
  initialUsername?: string;
  notice?: string;
}) {
  const [username, setUsername] = useState(initialUsername);
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(false);
  const action = useAction();
  const w = useWords(ACCOUNT_WORDS);
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(() => onLogin(username, password, canRemember && remember));
  };
  return (
    <section class="card auth" aria-labelledby="login-title">
      <h2 id="login-title" tabIndex={-1} data-screen-heading>{w.logInTitle}</h2>
      {notice && <p class="notice" role="status" data-testid="login-notice">{notice}</p>}
      <form class="stack" onSubmit={submit}>
        <Field id="login-username" label={w.username} value={username} onInput={setUsername} autocomplete="username" />
        <Field
          id="login-password"
          label={w.password}
          type="password"
          value={password}
          onInput={setPassword}
          autocomplete="current-password"
        />
        {canRemember && <RememberDevice id="login-remember" checked={remember} onChange={setRemember} />}
        <FormError>{action.error}</FormError>
        <button type="submit" class="primary" disabled={!connected || action.busy || !username || !password}>
          {action.busy ? w.loggingIn : w.logIn}
        </button>
      </form>
      <p class="switch">
        {w.newHere} <button type="button" class="link" onClick={onRegister}>{w.createAnAccount}</button>
      </p>
    </section>
  );
}

/**
 * Register: username, nickname and the password twice, each checked as it is typed; and an invite code once the server
 * has said it needs one (`invite_required`, `invite_invalid`).
 */
export function RegisterForm({ connected, canRemember, onSubmit, onLogin }: {
  connected: boolean;
  canRemember: boolean;
  /** Registers, then logs in (remembering this device if `remember`). */
  onSubmit(
    username: string,
    nickname: string,
    password: string,
    invite: string | undefined,
    remember: boolean,
  ): Promise<void>;
  onLogin(): void;
}) {
  const [username, setUsername] = useState("");
  const [nickname, setNickname] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [invite, setInvite] = useState("");
  const [askInvite, setAskInvite] = useState(false);
  const [remember, setRemember] = useState(false);
  const action = useAction();
  const w = useWords(ACCOUNT_WORDS);
  const locale = useLocale();
  const name = parseUsername(username);
  const nick = parseNickname(nickname);
  // Say nothing about an empty field until the user has typed into it.
  const usernameMessage = username && "error" in name ? ruleText(name.error, locale) : undefined;
  const nicknameMessage = nickname && "error" in nick ? ruleText(nick.error, locale) : undefined;
  const repeatMessage = repeat && repeat !== password ? w.passwordsDiffer : undefined;
  const valid = !("error" in name) && !("error" in nick) && password !== "" && repeat === password &&
    (!askInvite || invite.trim() !== "");
  const submit = (event: Event) => {
    event.preventDefault();
    if (!valid) return action.setError(w.fillEveryField);
    void action.run(async () => {
      try {
        await onSubmit(username, nickname, password, askInvite ? invite.trim() : undefined, canRemember && remember);
      } catch (error) {
        // Rethrown for useAction to show; the code only decides whether the form needs the invite field.
        if (error instanceof ProtocolError && (error.code === "invite_required" || error.code === "invite_invalid")) {
          setAskInvite(true);
        }
        throw error;
      }
    });
  };
  return (
    <section class="card auth" aria-labelledby="register-title">
      <h2 id="register-title" tabIndex={-1} data-screen-heading>{w.registerTitle}</h2>
      <form class="stack" onSubmit={submit}>
        <Field
          id="register-username"
          label={w.username}
          value={username}
          onInput={setUsername}
          message={usernameMessage}
          autocomplete="username"
        />
        <Field
          id="register-nickname"
          label={w.nickname}
          value={nickname}
          onInput={setNickname}
          message={nicknameMessage}
          autocomplete="nickname"
          placeholder={w.nicknamePlaceholder}
        />
        <Field
          id="register-password"
          label={w.password}
          type="password"
          value={password}
          onInput={setPassword}
          autocomplete="new-password"
        />
        <Field
          id="register-repeat"
          label={w.repeatPassword}
          type="password"
          value={repeat}
          onInput={setRepeat}
          message={repeatMessage}
          autocomplete="new-password"
        />
        {askInvite && (
          <Field
            id="register-invite"
            label={w.inviteCode}
            value={invite}
            onInput={setInvite}
            autocomplete="off"
            placeholder={w.invitePlaceholder}
          />
        )}
        {canRemember && <RememberDevice id="register-remember" checked={remember} onChange={setRemember} />}
        <FormError>{action.error}</FormError>
        <button type="submit" class="primary" disabled={!connected || action.busy || !valid}>
          {action.busy ? w.creatingAccount : w.createAccount}
        </button>
      </form>
      <p class="switch">
        {w.haveAccount} <button type="button" class="link" onClick={onLogin}>{w.logIn}</button>
      </p>
    </section>
  );
}

// The device credential port: where a client keeps the key that lets this device resume without a password.

/**
 * A device key pair made by the client: ECDSA P-256, the public half sent with `login_finish` (`device.publicKey`),
 * the secret half never leaving the device. Implementations differ in where the secret lives (a non-extractable
 * WebCrypto key in IndexedDB, a noble secret key in a 0600 file), so the secret is reachable only through `sign`.
 */
export interface DeviceKey {
  /** The SEC1 uncompressed public key: 65 bytes, `0x04 ‖ x ‖ y`. */
  readonly publicKey: Uint8Array;
  /**
   * Signs with ECDSA P-256 over SHA-256 of `message`.
   *
   * @returns The signature in IEEE P1363 form (`r ‖ s`, 64 bytes), as WebCrypto makes it.
   */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A device key the server has accepted: it issued `deviceId` for it (`login_finish`'s `deviceId`). */
export interface DeviceCredential extends DeviceKey {
  /** The server's id of this device, sent with `resume`. */
  readonly deviceId: number;
}

/**
 * Where a client keeps its device credential, one per server.
 *
 * The flow of "stay signed in":
 * 1. `const key = await store.create()` before `login_finish`, which carries `key.publicKey`;
 * 2. the answer's `deviceId`, when not null: `await store.save(server, { ...key, deviceId })` (spread the created key:
 *    an implementation keeps its secret handle as an own property of it, and refuses a key it did not create);
 * 3. on the next start: `const credential = await store.load(server)`, then `resume` with `credential.deviceId` and
 *    `await resumeProof(credential.sign, exporter)`;
 * 4. `device_unknown` (revoked or forgotten by the server) or logout: `await store.delete(server)`.
 *
 * @typeParam K The implementation's key type; its `save` needs a key of that type.
 */
export interface DeviceKeyStore<K extends DeviceKey = DeviceKey> {
  /** A new key pair, not stored yet. */
  create(): Promise<K>;
  /**
   * The credential saved for `server`, or `undefined` when there is none (or the stored one is unusable).
   *
   * @param server Which server: the same string for every call about it (e.g. its address or URL).
   */
  load(server: string): Promise<(K & DeviceCredential) | undefined>;
  /** Saves `credential` for `server`, replacing any earlier one. */
  save(server: string, credential: K & DeviceCredential): Promise<void>;
  /** Forgets the credential of `server`; nothing happens when there is none. */
  delete(server: string): Promise<void>;
}

/** The store's storage failed (unavailable, full, blocked by the browser's privacy mode); see `cause`. */
export class DeviceKeyStoreError extends Error {
  override name = "DeviceKeyStoreError";
}

/** The length of a SEC1 uncompressed P-256 public key. */
export const DEVICE_PUBLIC_KEY_LENGTH = 65;

/**
 * Checks what `save()` is given, so a store never holds a credential that could not resume.
 *
 * @param server The server's name.
 * @param credential The credential.
 * @throws {TypeError} If `server` is empty, the public key is not 65 bytes starting with 0x04, or `sign` is missing.
 * @throws {RangeError} If `deviceId` is not a positive whole number.
 *
 * @example
 * ```ts
 * import { checkDeviceCredential } from "./device_key.ts";
 * const publicKey = new Uint8Array(65).fill(4);
 * checkDeviceCredential("mimi.example:7700", { deviceId: 3, publicKey, sign: async () => new Uint8Array(64) });
 * ```
 */
export function checkDeviceCredential(server: string, credential: DeviceCredential): void {
  if (typeof server !== "string" || server === "") throw new TypeError("Cannot save a device key: 'server' is empty");
  const { deviceId, publicKey, sign } = credential ?? {};
  if (!Number.isSafeInteger(deviceId) || deviceId < 1) {
    throw new RangeError(`Cannot save a device key: 'deviceId' must be a positive whole number, not ${deviceId}`);
  }
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== DEVICE_PUBLIC_KEY_LENGTH || publicKey[0] !== 0x04) {
    throw new TypeError("Cannot save a device key: 'publicKey' must be 65 bytes, SEC1 uncompressed (0x04 ‖ x ‖ y)");
  }
  if (typeof sign !== "function") throw new TypeError("Cannot save a device key: 'sign' is not a function");
}

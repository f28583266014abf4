import { hash, verify } from "@node-rs/argon2";

export const MIN_PASSWORD_LENGTH = 12;

/** argon2id (the library's default algorithm) with its default cost: 19 MiB, 2 passes. */
export async function hashPassword(password: string): Promise<string> {
  return await hash(password.normalize("NFC"));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize("NFC"));
  } catch {
    // A malformed stored hash never signs anyone in.
    return false;
  }
}

let dummyHash: Promise<string> | null = null;

/** Spends the same time as a real check when the e-mail is unknown, so timing says nothing about it. */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword("cadence-dummy-password-for-timing");
  await verifyPassword(await dummyHash, password);
}

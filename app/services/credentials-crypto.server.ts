import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";

/**
 * Channel credentials at rest: AES-256-GCM with a random 96-bit IV, stored as
 * `v1.<iv>.<tag>.<ciphertext>` (base64url). The channel id is bound as associated data, so a
 * ciphertext copied onto another channel does not decrypt.
 */
export function encryptCredentials(key: Buffer, channelId: string, plaintext: string): string {
  if (key.length !== 32) throw new RangeError("credentials key must be 32 bytes");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(channelId, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptCredentials(key: Buffer, channelId: string, stored: string): string {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error("unrecognised credentials format");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(channelId, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

/** A channel's stored credentials, decrypted ({} when none are stored). */
export function readChannelCredentials(key: Buffer, channel: { id: string; credentials_encrypted: string | null }): Record<string, string> {
  return channel.credentials_encrypted ? (JSON.parse(decryptCredentials(key, channel.id, channel.credentials_encrypted)) as Record<string, string>) : {};
}

/** Credentials sealed for one channel, as they are stored. */
export function sealChannelCredentials(key: Buffer, channelId: string, credentials: Record<string, string>): string {
  return encryptCredentials(key, channelId, JSON.stringify(credentials));
}

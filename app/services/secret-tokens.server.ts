import { createHash, randomBytes } from "node:crypto";

/**
 * The one way Cadence makes a secret it hands out once — a session, a calendar feed's address, an
 * API token: 32 random bytes, base64url, behind an optional prefix; only the SHA-256 is stored.
 */
export function newSecretToken(prefix = ""): { token: string; hash: string } {
  const token = `${prefix}${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

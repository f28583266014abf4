import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptCredentials, encryptCredentials } from "./credentials-crypto.server";

describe("channel credentials encryption", () => {
  const key = randomBytes(32);

  it("round-trips and never stores the plaintext", () => {
    const secret = JSON.stringify({ accessToken: "tok-é-🔑" });
    const stored = encryptCredentials(key, "channel-1", secret);
    expect(stored).not.toContain("tok");
    expect(decryptCredentials(key, "channel-1", stored)).toBe(secret);
    expect(encryptCredentials(key, "channel-1", secret)).not.toBe(stored);
  });

  it("refuses another key, another channel, or a tampered ciphertext", () => {
    const stored = encryptCredentials(key, "channel-1", "secret");
    expect(() => decryptCredentials(randomBytes(32), "channel-1", stored)).toThrow();
    expect(() => decryptCredentials(key, "channel-2", stored)).toThrow();
    const parts = stored.split(".");
    parts[3] = Buffer.from("other").toString("base64url");
    expect(() => decryptCredentials(key, "channel-1", parts.join("."))).toThrow();
    expect(() => decryptCredentials(key, "channel-1", "garbage")).toThrow(/format/);
  });
});

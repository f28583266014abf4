import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.server";

describe("structured logs", () => {
  it("write one JSON object a line and never a secret", () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), base: { process: "web" } });
    log.info("signed in", { user: "a@b.be", password: "hunter2hunter2", nested: { accessToken: "tok", sessionCookie: "c" } });
    log.debug("hidden at info level");
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: "info", msg: "signed in", process: "web", user: "a@b.be", password: "[redacted]" });
    expect(entry.nested).toEqual({ accessToken: "[redacted]", sessionCookie: "[redacted]" });
    expect(lines[0]).not.toContain("hunter2");
  });

  it("finds secrets inside text: bearer tokens, feed addresses, secret query parameters, long random runs", () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    const token = "cad_Qm9vbS1ib29tLXRoaXMtaXMtYS1zZWNyZXQtdG9rZW4tMTIz";
    log.warn("cross-origin request refused", { path: `/feeds/${token}/calendar.ics`, header: `Bearer ${token}` });
    log.error(`request to https://id.fin.test/token?code=abc123&state=s failed`, { error: new Error(`invalid grant for ${token}`) });
    log.info("publication", { publication: "e73d1179-8a4d-4461-b3c7-e6075e8fb027", remoteUrl: "https://x.com/SPFFinances/status/1865000000000000000" });
    const all = lines.join("\n");
    expect(all).not.toContain(token);
    expect(all).not.toContain("Qm9vbS1ib29t");
    expect(all).not.toContain("abc123");
    expect(JSON.parse(lines[0]!)).toMatchObject({ path: "/feeds/[redacted]/calendar.ics", header: "Bearer [redacted]" });
    expect(JSON.parse(lines[1]!).msg).toBe("request to https://id.fin.test/token?code=[redacted]&state=[redacted] failed");
    // Ordinary identifiers stay readable.
    expect(JSON.parse(lines[2]!)).toMatchObject({ publication: "e73d1179-8a4d-4461-b3c7-e6075e8fb027", remoteUrl: "https://x.com/SPFFinances/status/1865000000000000000" });
  });

  it("hides fields named as secrets, not ordinary keys, and keeps an error's cause", () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    log.warn("publication", {
      idempotencyKey: "0f0e7d2a-idem",
      remoteKey: "3l4k5j6h",
      key: "media.error.corrupt",
      apiKey: "k-1",
      private_key: "k-2",
      CREDENTIALS_KEY: "k-3",
      accessJwt: "j",
      appPassword: "p",
      monkey: "banana",
      error: new Error("the database cannot be reached", { cause }),
    });
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ idempotencyKey: "0f0e7d2a-idem", remoteKey: "3l4k5j6h", key: "media.error.corrupt", monkey: "banana" });
    expect(entry).toMatchObject({ apiKey: "[redacted]", private_key: "[redacted]", CREDENTIALS_KEY: "[redacted]", accessJwt: "[redacted]", appPassword: "[redacted]" });
    expect(entry.error.cause).toMatchObject({ name: "Error", message: "connect ECONNREFUSED 127.0.0.1:5432" });
  });
});

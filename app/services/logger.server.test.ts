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
});

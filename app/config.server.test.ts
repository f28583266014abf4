import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.server";

const KEY = Buffer.alloc(32, 1).toString("base64");
const SECRET = "s".repeat(40);

describe("loadConfig", () => {
  it("outside demo mode, a missing secret stops the start with a message naming it", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgres://u:p@h/db" })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: "postgres://u:p@h/db", SESSION_SECRET: SECRET })).toThrow(/CREDENTIALS_KEY: required/);
  });

  it("names every malformed setting", () => {
    let message = "";
    try {
      loadConfig({ DATABASE_URL: "mysql://x", PORT: "seventy", SESSION_SECRET: "short", CREDENTIALS_KEY: "abc" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/SESSION_SECRET/);
    expect(message).toMatch(/CREDENTIALS_KEY/);
  });

  it("a real deployment with its secrets listens on every interface and is not a demo", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://u:p@h/db", SESSION_SECRET: SECRET, CREDENTIALS_KEY: KEY, NODE_ENV: "production" });
    expect(config).toMatchObject({ demo: false, production: true, host: "0.0.0.0", port: 3000 });
    expect(config.credentialsKey).toHaveLength(32);
  });

  it("demo mode generates secrets once into the data directory and reuses them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-config-"));
    try {
      const a = loadConfig({ CADENCE_DATA_DIR: dir });
      const b = loadConfig({ CADENCE_DATA_DIR: dir });
      expect(a.demo).toBe(true);
      expect(a.host).toBe("127.0.0.1");
      expect(a.sessionSecret).toBe(b.sessionSecret);
      expect(a.credentialsKey.equals(b.credentialsKey)).toBe(true);
      expect(fs.statSync(path.join(dir, "secrets.json")).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

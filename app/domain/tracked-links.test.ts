import { describe, expect, it } from "vitest";
import { codeFromBytes, CODE_PATTERN, looksLikeRobot, trackedUrl, withUtm } from "./tracked-links";

describe("tracked links", () => {
  it("adds UTM parameters without overriding the editor's own, and keeps the rest of the link", () => {
    expect(withUtm("https://finances.belgium.be/fr/particuliers?x=1#top", { network: "mastodon", languages: "fr", month: "2026-12" })).toBe(
      "https://finances.belgium.be/fr/particuliers?x=1&utm_source=mastodon&utm_medium=social&utm_campaign=cadence-2026-12&utm_content=fr#top",
    );
    expect(withUtm("https://example.be/?utm_campaign=aangifte", { network: "x", languages: "fr+nl", month: "2026-12" })).toBe(
      "https://example.be/?utm_campaign=aangifte&utm_source=x&utm_medium=social&utm_content=fr-nl",
    );
    expect(withUtm("not a url", { network: "x", languages: "fr", month: "2026-12" })).toBe("not a url");
  });

  it("makes 8-character codes of an unambiguous alphabet, and the short address", () => {
    const code = codeFromBytes(new Uint8Array([0, 1, 2, 3, 250, 251, 252, 255]));
    expect(code).toMatch(CODE_PATTERN);
    expect(trackedUrl("https://cadence.example.be/", code)).toBe(`https://cadence.example.be/l/${code}`);
    expect("ABCdef0O".match(CODE_PATTERN)).toBeNull();
  });

  it("tells robots and link previews from people's browsers", () => {
    for (const ua of ["facebookexternalhit/1.1", "Twitterbot/1.0", "LinkedInBot/1.0", "Mozilla/5.0 (compatible; Googlebot/2.1)", "curl/8.5.0", "", undefined, "Mastodon/4.3.0 (http.rb/5.2.0; +https://fake.social/)"]) expect(looksLikeRobot(ua)).toBe(true);
    for (const ua of ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"])
      expect(looksLikeRobot(ua)).toBe(false);
  });
});

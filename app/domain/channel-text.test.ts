import { describe, expect, it } from "vitest";
import { composeBody, countGraphemes, escapeLinkedInText, measureText } from "./channel-text";

const LONG_URL = "https://finances.belgium.be/fr/particuliers/declaration_impot/avertissement-extrait-de-role?utm_source=x";

describe("X: twitter-text weighted length, every URL 23", () => {
  it.each([
    ["plain Latin", "Bonjour", 7],
    ["French accents count 1 each", "Déclaration à compléter", 23],
    ["a decomposed accent (e + combining acute) normalised to one character", "e\u0301te\u0301", 3],
    ["a long URL counts 23", `Lisez ${LONG_URL}`, 6 + 23],
    ["a short URL counts 23 too", "https://x.be", 23],
    ["an emoji counts 2", "👋", 2],
    ["an emoji with skin tone is one emoji: 2", "👋🏽", 2],
    ["a family ZWJ sequence is one emoji: 2", "👨‍👩‍👧", 2],
    ["CJK counts 2 each", "日本", 4],
    ["Dutch text", "Aangifte via Tax-on-web: doe het vóór 15 juli!", 46],
  ])("%s", (_, text, expected) => {
    expect(measureText("x", text).length).toBe(expected);
  });

  it("280 is fine, 281 is over; 140 CJK characters are 280", () => {
    expect(measureText("x", "a".repeat(280)).ok).toBe(true);
    expect(measureText("x", "a".repeat(281)).ok).toBe(false);
    expect(measureText("x", "税".repeat(140))).toMatchObject({ length: 280, ok: true });
    expect(measureText("x", "税".repeat(141)).ok).toBe(false);
  });

  it("the link is added to the text and counted; a Premium limit is honoured", () => {
    expect(measureText("x", "Lisez ceci", LONG_URL).length).toBe(10 + 2 + 23);
    expect(measureText("x", "a".repeat(1000), null, { xLimit: 25_000 }).ok).toBe(true);
  });

  it("an empty text is not publishable", () => {
    expect(measureText("x", "   ").ok).toBe(false);
  });
});

describe("Mastodon: graphemes, URLs as 23", () => {
  it.each([
    ["text", "Remboursement d'impôt", 21],
    ["URL counts 23", `Voir ${LONG_URL}`, 5 + 23],
    ["emoji with modifier is one grapheme", "👋🏽 hallo", 7],
    ["flag is one grapheme", "🇧🇪", 1],
    ["combining accent stays one grapheme", "cafe\u0301", 4],
  ])("%s", (_, text, expected) => {
    expect(measureText("mastodon", text).length).toBe(expected);
  });

  it("500 by default, the instance's limit when known", () => {
    expect(measureText("mastodon", "a".repeat(500)).ok).toBe(true);
    expect(measureText("mastodon", "a".repeat(501)).ok).toBe(false);
    expect(measureText("mastodon", "a".repeat(501), null, { mastodonLimit: 1000 }).ok).toBe(true);
  });
});

describe("Bluesky: 300 graphemes and 3,000 UTF-8 bytes, URLs by their literal length", () => {
  it("counts graphemes, not code units", () => {
    expect(measureText("bluesky", "👨‍👩‍👧🇧🇪é").length).toBe(3);
    expect(measureText("bluesky", `x ${LONG_URL}`).length).toBe(2 + LONG_URL.length);
  });

  it("300 graphemes pass, 301 do not; 300 heavy graphemes can still break the byte cap", () => {
    expect(measureText("bluesky", "é".repeat(300)).ok).toBe(true);
    expect(measureText("bluesky", "é".repeat(301)).ok).toBe(false);
    const heavy = measureText("bluesky", "👨‍👩‍👧‍👦".repeat(200));
    expect(heavy.length).toBe(200);
    expect(heavy.bytes!.length).toBe(200 * 25);
    expect(heavy.ok).toBe(false);
  });
});

describe("LinkedIn: 3,000 characters after escaping the reserved ones", () => {
  it("escapes every reserved character with a backslash", () => {
    expect(escapeLinkedInText("a\\b|c{d}e@f[g]h(i)j<k>l#m*n_o~p")).toBe("a\\\\b\\|c\\{d\\}e\\@f\\[g\\]h\\(i\\)j\\<k\\>l\\#m\\*n\\_o\\~p");
    expect(escapeLinkedInText("Déclaration (IPP) #TaxOnWeb")).toBe("Déclaration \\(IPP\\) \\#TaxOnWeb");
  });

  it("counts the escaped text: reserved characters count double", () => {
    expect(measureText("linkedin", "(a)").length).toBe(5);
    expect(measureText("linkedin", "a".repeat(3000)).ok).toBe(true);
    expect(measureText("linkedin", `${"a".repeat(2999)}#`).ok).toBe(false);
  });

  it("counts the link LinkedIn receives inside the commentary, escaped like the text", () => {
    // "a" + blank line + the link with its "_" escaped: what the adapter sends.
    expect(composeBody("linkedin", "a", "https://fin.belgium.be/a_b")).toBe("a\n\nhttps://fin.belgium.be/a\\_b");
    expect(measureText("linkedin", "a", "https://fin.belgium.be/a_b").length).toBe(30);
  });
});

describe("Facebook: 63,206 characters, URLs by their literal length", () => {
  it("counts code points", () => {
    expect(measureText("facebook", "é👋").length).toBe(2);
    expect(measureText("facebook", "a".repeat(63_206)).ok).toBe(true);
    expect(measureText("facebook", "a".repeat(63_207)).ok).toBe(false);
  });
});

describe("composeBody", () => {
  it("adds the link after the text where the network has no link field, once", () => {
    expect(composeBody("x", "Texte", "https://a.be")).toBe("Texte\n\nhttps://a.be");
    expect(composeBody("x", "Texte https://a.be", "https://a.be")).toBe("Texte https://a.be");
    expect(composeBody("facebook", "Texte", "https://a.be")).toBe("Texte");
  });

  it("normalises to NFC", () => {
    expect(composeBody("outbox", "e\u0301", null)).toBe("é");
    expect(countGraphemes("e\u0301")).toBe(1);
  });
});

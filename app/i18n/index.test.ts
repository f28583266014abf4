import { describe, expect, it } from "vitest";
import { en } from "./en";
import { fr } from "./fr";
import { translator } from "./index";
import { negotiateLanguage } from "./negotiate.server";
import { nl } from "./nl";

describe("catalogues", () => {
  it("French and Dutch have exactly the English keys, none left empty", () => {
    for (const catalogue of [fr, nl]) {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
      expect(Object.values(catalogue).filter((v) => v.trim() === "")).toEqual([]);
    }
  });

  it("every placeholder of a message exists in all three languages", () => {
    // ICU arguments: {name}, {name, plural, …}, {name, select, …}.
    const placeholders = (s: string) => [...new Set([...s.matchAll(/\{\s*(\w+)\s*(?:,|\})/g)].map((m) => m[1]))].sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(fr[key]), key).toEqual(placeholders(en[key]));
      expect(placeholders(nl[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("every message is valid ICU MessageFormat in every language", async () => {
    const { IntlMessageFormat } = await import("intl-messageformat");
    for (const [lang, catalogue] of [["en", en], ["fr", fr], ["nl", nl]] as const) {
      for (const [key, message] of Object.entries(catalogue)) expect(() => new IntlMessageFormat(message, lang, undefined, { ignoreTag: true }), `${lang} ${key}`).not.toThrow();
    }
  });

  it("chooses plural forms by each language's rules", () => {
    expect(translator("en")("calendar.showing", { count: 1 })).toBe("1 post shown");
    expect(translator("en")("calendar.showing", { count: 3 })).toBe("3 posts shown");
    expect(translator("fr")("calendar.showing", { count: 1 })).toBe("1 publication affichée");
    // French: 0 and 1 are singular.
    expect(translator("fr")("analytics.times.posts", { n: 0 })).toBe("0 publication");
    expect(translator("fr")("analytics.times.posts", { n: 2 })).toBe("2 publications");
    expect(translator("nl")("analytics.times.posts", { n: 1 })).toBe("1 bericht");
    expect(translator("nl")("analytics.times.posts", { n: 0 })).toBe("0 berichten");
    expect(translator("nl")("bulk.approve", { count: 1 })).toBe("Dit bericht goedkeuren");
    expect(translator("nl")("bulk.summaryText", { count: 2, languages: "Frans", channels: 1 })).toMatch(/^2 berichten, in het Frans, op 1 kanaal\./);
    expect(translator("en")("publishing.releasedDone", { count: 0 })).toBe("The hold was released. No post needs rescheduling.");
    expect(translator("en")("publishing.releasedDone", { count: "2" })).toBe("The hold was released. 2 posts whose time passed must be rescheduled.");
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translator("nl")("plan.coverage.days", { covered: 27, total: 31 })).toBe("27/31 dagen gedekt");
    expect(translator("fr")("plan.coverage.days", { covered: 3 })).toBe("3/{total} jours couverts");
  });
});

describe("negotiateLanguage", () => {
  it.each([
    [undefined, "fr"],
    ["", "fr"],
    ["nl-BE,nl;q=0.9,en;q=0.8", "nl"],
    ["en-US,en;q=0.9,fr;q=0.8", "en"],
    ["de-DE,de;q=0.9,nl;q=0.5,fr;q=0.6", "fr"],
    ["de, it", "fr"],
    ["fr;q=0, nl", "nl"],
    ["NL", "nl"],
    // "*" is every language not named otherwise (RFC 9110): French and Dutch at 0.5 beat English at 0.1.
    ["*;q=0.5, en;q=0.1", "fr"],
    ["*;q=0.5, fr;q=0.1", "nl"],
    ["nl-BE;q=0.8, fr-BE;q=0.9", "fr"],
    ["en-GB, *;q=0", "en"],
    ["en;q=abc, nl;q=0.2", "nl"],
  ])("%s → %s", (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });
});

import { describe, expect, it } from "vitest";
import { en } from "./en";
import { fr } from "./fr";
import { negotiateLanguage, translator } from "./index";
import { nl } from "./nl";

describe("catalogues", () => {
  it("French and Dutch have exactly the English keys, none left empty", () => {
    for (const catalogue of [fr, nl]) {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
      expect(Object.values(catalogue).filter((v) => v.trim() === "")).toEqual([]);
    }
  });

  it("every placeholder of a message exists in all three languages", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(fr[key]), key).toEqual(placeholders(en[key]));
      expect(placeholders(nl[key]), key).toEqual(placeholders(en[key]));
    }
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
    ["*;q=0.5, en;q=0.1", "en"],
    ["en;q=abc, nl;q=0.2", "nl"],
  ])("%s → %s", (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });
});

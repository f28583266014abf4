import { describe, expect, it } from "vitest";
import { bilingualVisuals, contentFingerprintInput, publishability, sourceFingerprintInput, type PairFacts } from "./pairing";
import { pairProblems, versionProblems, type Visual } from "./visuals";

const img = (hash: string, alt: string, flags: Partial<Visual> = {}): Visual => ({ hash: hash.padEnd(64, "0"), kind: "image", alt, sameInBothLanguages: false, containsText: false, ...flags });

describe("one version's visuals", () => {
  it("0 to 4 images or one video alone, each with its alt text", () => {
    expect(versionProblems("fr", [])).toEqual([]);
    expect(versionProblems("fr", [img("a", "Graphique des délais")])).toEqual([]);
    expect(versionProblems("nl", [img("a", " ")])).toEqual([{ code: "visual.altMissing", language: "nl", position: 0 }]);
    expect(versionProblems("fr", ["a", "b", "c", "d", "e"].map((h) => img(h, "x")))).toEqual([{ code: "visual.tooMany", language: "fr", limit: 4 }]);
    expect(versionProblems("fr", [img("a", "x"), { ...img("b", "y"), kind: "video" }])).toEqual([{ code: "visual.videoAlone", language: "fr" }]);
    expect(versionProblems("fr", [img("a", "x".repeat(1001))])).toEqual([{ code: "visual.altTooLong", language: "fr", position: 0, limit: 1000 }]);
  });
});

describe("the pair's visuals", () => {
  it("a visual with words needs its Dutch twin (another file); a shared one must be in both; one missing breaks parity", () => {
    const infographic = img("fr-infographic", "Infographie : les délais de la déclaration", { containsText: true });
    expect(pairProblems("fr", [infographic], [])).toEqual([{ code: "visual.twinMissing", language: "nl", position: 0 }]);
    expect(pairProblems("fr", [infographic], [{ ...infographic, alt: "Infographic" }])).toEqual([{ code: "visual.twinMissing", language: "nl", position: 0 }]);
    expect(pairProblems("fr", [infographic], [img("nl-infographic", "Infografiek: de termijnen van de aangifte", { containsText: true })])).toEqual([]);
    const photo = img("office", "Le bureau de Namur", { sameInBothLanguages: true });
    expect(pairProblems("fr", [photo], [])).toEqual([{ code: "visual.sharedMissing", language: "nl", position: 0 }]);
    expect(pairProblems("fr", [photo], [{ ...photo, alt: "Het kantoor in Namen" }])).toEqual([]);
    expect(pairProblems("nl", [img("a", "x")], [])).toEqual([{ code: "visual.missingInLanguage", language: "fr" }]);
    expect(pairProblems("fr", [], [img("a", "x")])).toEqual([{ code: "visual.missingInLanguage", language: "fr" }]);
  });

  it("a shared visual on a bilingual channel is sent once with both alt texts, in the channel's order", () => {
    const fr = [img("office", "Le bureau de Namur", { sameInBothLanguages: true }), img("fr-chart", "Graphique")];
    const nl = [img("office", "Het kantoor in Namen", { sameInBothLanguages: true }), img("nl-chart", "Grafiek")];
    expect(bilingualVisuals(fr, nl, "nl-fr").map((v) => [v.hash.slice(0, 8), v.alt])).toEqual([
      ["office00", "Het kantoor in Namen / Le bureau de Namur"],
      ["nl-chart", "Grafiek"],
      ["fr-chart", "Graphique"],
    ]);
  });
});

describe("hashes", () => {
  it("a version without visuals keeps the hash it had before visuals existed; a visual or its alt text changes it", () => {
    expect(contentFingerprintInput("Texte", null, null)).toBe("Texte\n\n");
    expect(contentFingerprintInput("Texte", null, null, [])).toBe("Texte\n\n");
    const a = contentFingerprintInput("Texte", null, null, [img("a", "Alt")]);
    expect(a).not.toBe(contentFingerprintInput("Texte", null, null, [img("a", "Autre alt")]));
    expect(a).not.toBe(contentFingerprintInput("Texte", null, null, [img("b", "Alt")]));
    // The translation goes stale when the source's file changes, not when its alt text does (each language writes its own).
    expect(sourceFingerprintInput("Texte", null, [img("a", "Alt")])).toBe(sourceFingerprintInput("Texte", null, [img("a", "Autre alt")]));
    expect(sourceFingerprintInput("Texte", null, [img("a", "Alt")])).not.toBe(sourceFingerprintInput("Texte", null, [img("b", "Alt")]));
  });

  it("publishability reports the visuals' problems beside the texts'", () => {
    const facts: PairFacts = {
      sourceLanguage: "fr",
      germanEnabled: false,
      bilingualOrder: "fr-nl",
      exception: null,
      channels: [{ id: "x-fr", network: "x", language: "fr", active: true, carriesVisuals: true }, { id: "x-nl", network: "x", language: "nl", active: true, carriesVisuals: true }],
      variants: [
        { language: "fr", text: "Déclarez avant le 15 juillet.", link: null, status: "approved", contentHash: "h1", sourceHash: null, approvedHash: "h1", visuals: [img("fr-info", "Infographie", { containsText: true })] },
        { language: "nl", text: "Dien uw aangifte in voor 15 juli.", link: null, status: "approved", contentHash: "h2", sourceHash: "s", approvedHash: "h2", visuals: [img("nl-info", "")] },
      ],
    };
    expect(publishability(facts, "s")).toEqual({ ok: false, reasons: [{ code: "visual.altMissing", language: "nl", position: 0 }] });
    facts.variants[1]!.visuals = [img("nl-info", "Infografiek")];
    const ok = publishability(facts, "s");
    expect(ok.ok && ok.texts.map((t) => [t.channelId, t.visuals.map((v) => v.alt)])).toEqual([
      ["x-fr", ["Infographie"]],
      ["x-nl", ["Infografiek"]],
    ]);
    // A channel whose adapter cannot send visuals is never given a post that has some.
    facts.channels[1]!.carriesVisuals = false;
    expect(publishability(facts, "s")).toEqual({ ok: false, reasons: [{ code: "channel.noVisuals", channelId: "x-nl" }] });
  });
});

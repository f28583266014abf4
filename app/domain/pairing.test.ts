import { describe, expect, it } from "vitest";
import { approvalRefusal, awaitsApproval, planningStatus, publishability, translationDeadline, variantState, wordDiff, type PairFacts, type VariantFacts } from "./pairing";

const SOURCE = "src-1";
const v = (language: "fr" | "nl" | "de", status: VariantFacts["status"], extra: Partial<VariantFacts> = {}): VariantFacts => ({
  language,
  text: language === "fr" ? "Votre déclaration est prête." : language === "nl" ? "Uw aangifte staat klaar." : "Ihre Erklärung ist bereit.",
  link: null,
  status,
  contentHash: `${language}-hash`,
  sourceHash: language === "fr" ? null : SOURCE,
  approvedHash: status === "approved" ? `${language}-hash` : null,
  ...extra,
});
const xFr = { id: "x-fr", network: "x" as const, language: "fr" as const, active: true };
const xNl = { id: "x-nl", network: "x" as const, language: "nl" as const, active: true };
const li = { id: "li", network: "linkedin" as const, language: "bilingual" as const, active: true };
const facts = (over: Partial<PairFacts> = {}): PairFacts => ({
  sourceLanguage: "fr",
  germanEnabled: false,
  variants: [v("fr", "approved"), v("nl", "approved")],
  channels: [xFr, xNl],
  exception: null,
  bilingualOrder: "fr-nl",
  ...over,
});

describe("variantState", () => {
  it("marks a translation made from an older source as stale, and an approval of other content as draft", () => {
    expect(variantState(facts(), "nl", SOURCE)).toBe("approved");
    expect(variantState(facts(), "nl", "src-2")).toBe("stale");
    expect(variantState(facts(), "fr", "src-2")).toBe("approved");
    expect(variantState(facts({ variants: [v("fr", "approved", { approvedHash: "old" })] }), "fr", SOURCE)).toBe("draft");
    expect(variantState(facts({ variants: [v("fr", "draft", { text: "  " })] }), "fr", SOURCE)).toBe("missing");
    expect(variantState(facts({ variants: [v("fr", "draft")] }), "nl", SOURCE)).toBe("missing");
  });
});

describe("publishability (the parity rule)", () => {
  it("accepts an approved pair with a French and a Dutch channel, and plans each channel's text", () => {
    const r = publishability(facts(), SOURCE);
    expect(r).toEqual({
      ok: true,
      texts: [
        { channelId: "x-fr", network: "x", languages: ["fr"], text: "Votre déclaration est prête.", link: null, visuals: [] },
        { channelId: "x-nl", network: "x", languages: ["nl"], text: "Uw aangifte staat klaar.", link: null, visuals: [] },
      ],
    });
  });

  it.each([
    ["Dutch submitted, not approved", facts({ variants: [v("fr", "approved"), v("nl", "submitted")] }), [{ code: "language.notApproved", language: "nl" }]],
    ["Dutch missing", facts({ variants: [v("fr", "approved")] }), [{ code: "language.missing", language: "nl" }]],
    ["Dutch stale", facts({ variants: [v("fr", "approved"), v("nl", "approved", { sourceHash: "old" })] }), [{ code: "language.stale", language: "nl" }]],
    ["no Dutch channel", facts({ channels: [xFr] }), [{ code: "channel.none", language: "nl" }]],
    ["German switched on and not written", facts({ germanEnabled: true }), [{ code: "language.missing", language: "de" }]],
    ["exception requested, not approved", facts({ variants: [v("fr", "approved")], channels: [xFr], exception: { language: "fr", status: "requested" } }), [
      { code: "exception.pending" },
      { code: "language.missing", language: "nl" },
      { code: "channel.none", language: "nl" },
    ]],
    ["one-language item on a channel of the other language", facts({ variants: [v("fr", "approved")], exception: { language: "fr", status: "approved" } }), [
      { code: "channel.otherLanguage", channelId: "x-nl" },
    ]],
  ])("refuses: %s", (_name, input, reasons) => {
    expect(publishability(input, SOURCE)).toEqual({ ok: false, reasons });
  });

  it("accepts a one-language item with an approved exception, on its language's channels only", () => {
    const r = publishability(facts({ variants: [v("fr", "approved")], channels: [xFr, li], exception: { language: "fr", status: "approved" } }), SOURCE);
    expect(r.ok && r.texts.map((t) => [t.channelId, t.languages])).toEqual([
      ["x-fr", ["fr"]],
      ["li", ["fr"]],
    ]);
  });

  it("combines both languages on a bilingual channel in the admin's order, and checks the combined length", () => {
    const nlFirst = publishability(facts({ channels: [li], bilingualOrder: "nl-fr" }), SOURCE);
    expect(nlFirst.ok && nlFirst.texts[0]!.text).toBe("Uw aangifte staat klaar.\n\nVotre déclaration est prête.");
    const long = "é".repeat(1_600);
    const tooLong = publishability(facts({ channels: [li], variants: [v("fr", "approved", { text: long }), v("nl", "approved", { text: long })] }), SOURCE);
    expect(tooLong).toEqual({ ok: false, reasons: [{ code: "channel.tooLong", channelId: "li", length: 3_202, limit: 3_000 }] });
  });

  it("ignores inactive channels", () => {
    expect(publishability(facts({ channels: [xFr, { ...xNl, active: false }] }), SOURCE)).toEqual({ ok: false, reasons: [{ code: "channel.none", language: "nl" }] });
  });
});

describe("planningStatus", () => {
  const at = (f: PairFacts, inFuture = true) => planningStatus(f, SOURCE, { inFuture });
  it("follows the pair from draft to scheduled", () => {
    expect(at(facts({ variants: [v("fr", "draft")] }))).toBe("draft");
    expect(at(facts({ variants: [v("fr", "submitted")] }))).toBe("in_translation");
    expect(at(facts({ variants: [v("fr", "submitted"), v("nl", "draft")] }))).toBe("in_translation");
    expect(at(facts({ variants: [v("fr", "approved"), v("nl", "approved", { sourceHash: "old" })] }))).toBe("in_translation");
    expect(at(facts({ variants: [v("fr", "submitted"), v("nl", "submitted")] }))).toBe("awaiting_approval");
    expect(at(facts())).toBe("scheduled");
    expect(at(facts(), false)).toBe("awaiting_approval");
    expect(at(facts({ channels: [xFr] }))).toBe("awaiting_approval");
    expect(at(facts({ variants: [v("fr", "rejected"), v("nl", "submitted")] }))).toBe("draft");
    expect(at(facts({ variants: [v("fr", "submitted"), v("nl", "rejected")] }))).toBe("in_translation");
  });
});

describe("approvalRefusal (four eyes)", () => {
  it("refuses the author unless the team relaxed the rule, and anyone who is not an approver", () => {
    expect(approvalRefusal({ roles: ["approver"], userId: "a", authorId: "b", fourEyesRelaxed: false })).toBeNull();
    expect(approvalRefusal({ roles: ["approver", "editor"], userId: "a", authorId: "a", fourEyesRelaxed: false })).toBe("ownItem");
    expect(approvalRefusal({ roles: ["approver", "editor"], userId: "a", authorId: "a", fourEyesRelaxed: true })).toBeNull();
    expect(approvalRefusal({ roles: ["editor", "admin"], userId: "a", authorId: "b", fourEyesRelaxed: true })).toBe("forbidden");
  });
});

describe("translationDeadline", () => {
  it.each([
    // Tuesday after Easter Monday 2026: back over the holiday and the weekend.
    ["2026-04-07", 2, "2026-04-02"],
    // Thursday after Armistice Day (Wednesday 11 November 2026).
    ["2026-11-12", 2, "2026-11-09"],
    // A Monday: back over the weekend.
    ["2026-12-07", 2, "2026-12-03"],
    // After Christmas and the weekend: Monday 28 December 2026.
    ["2026-12-28", 1, "2026-12-24"],
    ["2026-12-07", 0, "2026-12-07"],
  ])("publication %s, %i business days before → %s", (date, days, expected) => {
    expect(translationDeadline(date, days)).toBe(expected);
  });
});

describe("wordDiff", () => {
  it("shows the words removed and added, keeping the rest", () => {
    expect(wordDiff("Déclarez avant le 30 juin via Tax-on-web.", "Déclarez avant le 15 juillet via MyMinfin.")).toEqual([
      { kind: "same", text: "Déclarez avant le " },
      { kind: "removed", text: "30 juin " },
      { kind: "added", text: "15 juillet " },
      { kind: "same", text: "via " },
      { kind: "removed", text: "Tax-on-web." },
      { kind: "added", text: "MyMinfin." },
    ]);
  });

  it("handles empty texts and identical texts", () => {
    expect(wordDiff("", "Nouveau texte")).toEqual([{ kind: "added", text: "Nouveau texte" }]);
    expect(wordDiff("Ancien", "")).toEqual([{ kind: "removed", text: "Ancien" }]);
    expect(wordDiff("Même texte", "Même texte")).toEqual([{ kind: "same", text: "Même texte" }]);
  });
});

describe("awaitsApproval", () => {
  it("is true when every required language is written and sent and one is not yet approved", () => {
    expect(awaitsApproval(facts({ variants: [v("fr", "submitted"), v("nl", "submitted")] }), SOURCE)).toBe(true);
    expect(awaitsApproval(facts({ variants: [v("fr", "approved"), v("nl", "submitted")] }), SOURCE)).toBe(true);
    expect(awaitsApproval(facts(), SOURCE)).toBe(false);
    expect(awaitsApproval(facts({ variants: [v("fr", "submitted")] }), SOURCE)).toBe(false);
    expect(awaitsApproval(facts({ variants: [v("fr", "submitted"), v("nl", "submitted", { sourceHash: "old" })] }), SOURCE)).toBe(false);
  });
});

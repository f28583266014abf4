import { describe, expect, it } from "vitest";
import { questionCoverage, rankGapQuestions } from "./question-coverage";

const q = (id: string, volume: number) => ({ id, slug: id, labelFr: id, labelNl: id, volume });

describe("a month's question coverage", () => {
  it("counts posts by language, shares of volume and of posts, and flags a high volume with no post", () => {
    const rows = questionCoverage(
      [q("refund", 600), q("login", 300), q("ebox", 60), q("rare", 40)],
      [
        { questionId: "login", language: "fr", planned: 3, published: 1 },
        { questionId: "login", language: "nl", planned: 2, published: 1 },
        { questionId: "ebox", language: "fr", planned: 1, published: 0 },
      ],
    );
    expect(rows.map((r) => r.id)).toEqual(["refund", "login", "ebox", "rare"]);
    const [refund, login, ebox, rare] = rows;
    expect(refund).toMatchObject({ planned: { fr: 0, nl: 0 }, volumeShare: 0.6, postShare: 0, flagged: true });
    expect(login).toMatchObject({ planned: { fr: 3, nl: 2 }, published: { fr: 1, nl: 1 }, volumeShare: 0.3, postShare: 0.75, flagged: false });
    expect(ebox).toMatchObject({ postShare: 0.25, flagged: false });
    // 4 % of the volume and not in the top third: not flagged.
    expect(rare).toMatchObject({ volumeShare: 0.04, flagged: false });
  });

  it("a month with no volume and no post flags nothing", () => {
    expect(questionCoverage([q("a", 0)], []).every((r) => !r.flagged)).toBe(true);
  });
});

describe("questions to cover on an empty day", () => {
  it("ranks by volume and by how long ago the question was last covered", () => {
    const ranked = rankGapQuestions(
      [q("refund", 1000), q("login", 800), q("ebox", 100), q("fresh", 5000)],
      new Map([
        ["refund", "2026-12-09"],
        ["login", "2026-09-01"],
        ["fresh", "2026-12-10"],
      ]),
      "2026-12-10",
    );
    // login: never mind the lower volume, not covered for over 60 days; fresh: covered today.
    expect(ranked.map((r) => [r.id, r.daysSince])).toEqual([
      ["login", 100],
      ["ebox", null],
      ["refund", 1],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { differenceInDifferences, type QuestionSeries } from "./did";

/** A seeded generator (mulberry32) and normal draws (Box–Muller): the same synthetic data every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform, normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()) };
}

const MONTHS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`);

/**
 * Twelve questions over 2025 sharing a season (the tax-return peak in May–July), each at its own
 * level with month-to-month noise `sigma` (on the log scale). Question q0 is covered from May, as the peak begins; its
 * volumes are multiplied by 1 + `effect` from then on.
 */
function synthetic(seed: number, options: { effect: number; sigma: number; questions?: number }): QuestionSeries[] {
  const r = rng(seed);
  const season = MONTHS.map((m) => (["2025-05", "2025-06", "2025-07"].includes(m) ? 1.8 : m === "2025-04" || m === "2025-08" ? 1.3 : 1));
  return Array.from({ length: options.questions ?? 12 }, (_, q) => {
    const level = 200 + 80 * q;
    const volumes: Record<string, number> = {};
    MONTHS.forEach((m, i) => {
      const treated = q === 0 && m >= "2025-05";
      volumes[m] = Math.max(1, Math.round(level * season[i]! * Math.exp(options.sigma * r.normal()) * (treated ? 1 + options.effect : 1)));
    });
    return { id: `q${q}`, volumes, covered: q === 0 ? ["2025-05", "2025-06"] : [] };
  });
}

describe("difference-in-differences", () => {
  it("measures from the latest coverage start, with only uncovered months before it", () => {
    const data = synthetic(5, { effect: -0.3, sigma: 0.05 });
    // Covered in February, then again from May: the May start has March and April before it (February is covered).
    const r = differenceInDifferences({ ...data[0]!, covered: ["2025-02", "2025-05", "2025-06"] }, data, "2025-12");
    expect(r).toMatchObject({ firstCovered: "2025-05", before: ["2025-03", "2025-04"], reason: "short_history" });
    const earlier = differenceInDifferences({ ...data[0]!, covered: ["2025-01", "2025-05"] }, data, "2025-12");
    expect(earlier).toMatchObject({ firstCovered: "2025-05", before: ["2025-02", "2025-03", "2025-04"] });
  });

  it("finds a known 30 % fall after coverage, with an interval around it, despite the shared season", () => {
    const data = synthetic(7, { effect: -0.3, sigma: 0.05 });
    const r = differenceInDifferences(data[0]!, data, "2025-12");
    expect(r.verdict).toBe("fell");
    expect(r.effect!).toBeGreaterThan(-0.38);
    expect(r.effect!).toBeLessThan(-0.22);
    expect(r.low!).toBeLessThan(r.effect!);
    expect(r.high!).toBeLessThan(0);
    expect(r).toMatchObject({ firstCovered: "2025-05", before: ["2025-01", "2025-02", "2025-03", "2025-04"], after: ["2025-05", "2025-06", "2025-07"], controls: 11 });
    // The question's own volumes rose with the season; the controls take the season out.
    expect(r.ownChange!).toBeGreaterThan(0.1);
    expect(r.controlChange!).toBeGreaterThan(0.5);
  });

  it("on noise alone it says it cannot tell a change, and it rarely claims one (about 5 % of random histories)", () => {
    const r = differenceInDifferences(synthetic(11, { effect: 0, sigma: 0.3, questions: 5 })[0]!, synthetic(11, { effect: 0, sigma: 0.3, questions: 5 }), "2025-12");
    expect(r.verdict).toBe("no_clear_change");
    expect(r.low!).toBeLessThan(0);
    expect(r.high!).toBeGreaterThan(0);
    let claims = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const data = synthetic(seed, { effect: 0, sigma: 0.2 });
      if (differenceInDifferences(data[0]!, data, "2025-12").verdict !== "no_clear_change") claims++;
    }
    expect(claims / 400).toBeLessThan(0.1);
  });

  it("cannot tell without coverage, with less than three months before, with no month after, or with fewer than three questions to compare", () => {
    const data = synthetic(3, { effect: -0.3, sigma: 0.05 });
    expect(differenceInDifferences({ ...data[0]!, covered: [] }, data, "2025-12")).toMatchObject({ verdict: "cannot_tell", reason: "no_coverage" });
    expect(differenceInDifferences({ ...data[0]!, covered: ["2025-03"] }, data, "2025-12")).toMatchObject({ verdict: "cannot_tell", reason: "short_history", before: ["2025-01", "2025-02"] });
    // Covered every month: no uncovered months before, nothing to compare with.
    expect(differenceInDifferences({ ...data[0]!, covered: MONTHS }, data, "2025-12")).toMatchObject({ verdict: "cannot_tell", reason: "short_history" });
    // Coverage more than a year before the report's month is not looked at.
    expect(differenceInDifferences(data[0]!, data, "2026-06")).toMatchObject({ verdict: "cannot_tell", reason: "no_coverage" });
    expect(differenceInDifferences(data[0]!, data, "2025-04")).toMatchObject({ verdict: "cannot_tell", reason: "no_coverage" });
    const withoutAfter = { ...data[0]!, volumes: Object.fromEntries(Object.entries(data[0]!.volumes).filter(([m]) => m < "2025-05")) };
    expect(differenceInDifferences(withoutAfter, data, "2025-12")).toMatchObject({ verdict: "cannot_tell", reason: "no_months_after" });
    const fewControls = data.slice(0, 3).map((q, i) => (i === 0 ? q : { ...q, covered: i === 1 ? ["2025-06"] : [] }));
    expect(differenceInDifferences(fewControls[0]!, fewControls, "2025-12")).toMatchObject({ verdict: "cannot_tell", reason: "few_controls", controls: 1 });
  });

  it("gives the worked example of docs/analytics.md", () => {
    const series = (id: string, before: number[], after: number[], covered: string[] = []): QuestionSeries => ({
      id,
      volumes: Object.fromEntries([...before, ...after].map((v, i) => [`2025-${String(i + 1).padStart(2, "0")}`, v])),
      covered,
    });
    const refund = series("refund", [400, 420, 380, 410], [330, 350, 320], ["2025-05"]);
    const all = [refund, series("myminfin", [800, 780, 820, 790], [880, 900, 860]), series("payment", [200, 210, 190, 205], [230, 220, 240]), series("address", [150, 160, 145, 155], [160, 170, 155]), series("tax-on-web", [1200, 1150, 1250, 1180], [1400, 1350, 1300])];
    const r = differenceInDifferences(refund, all, "2025-07");
    expect(r.verdict).toBe("fell");
    expect(r.ownChange!).toBeCloseTo(-0.1719, 4);
    expect(r.controlChange!).toBeCloseTo(0.1086, 4);
    expect(r.effect!).toBeCloseTo(-0.253, 3);
    expect(r.low!).toBeCloseTo(-0.3363, 3);
    expect(r.high!).toBeCloseTo(-0.1592, 3);
  });
});

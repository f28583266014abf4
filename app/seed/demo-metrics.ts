import type { Network } from "../../db/schema";

/**
 * The demo's figures for a published post: made up, but steady (the same post always gets the same
 * ones, growing from one reading to the next) and shaped like each network's (what a network does
 * not offer is null). Demo data only.
 */
const GROWTH = { "1h": 0.25, "24h": 0.7, "7d": 0.95, "28d": 1 } as const;

function seedOf(key: string): number {
  let h = 2166136261;
  for (const c of key) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h >>> 0) / 4294967296;
}

export function demoFigures(key: string, network: Network, moment: keyof typeof GROWTH) {
  const r = seedOf(key);
  const g = GROWTH[moment];
  const scale = network === "facebook" ? 60 : network === "linkedin" ? 45 : network === "x" ? 30 : 12;
  const n = (share: number) => Math.round(scale * share * g * (0.4 + r * 1.2));
  return {
    likes: n(1),
    reposts: network === "youtube" ? null : n(0.2),
    replies: n(0.1),
    quotes: network === "x" || network === "bluesky" || network === "mastodon" ? n(0.04) : null,
    impressions: network === "x" || network === "linkedin" ? n(40) : null,
    views: network === "facebook" || network === "youtube" ? n(25) : null,
  };
}

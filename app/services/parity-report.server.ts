import { DateTime } from "luxon";
import { listWorkItems, oneLanguageItems, parityCounts } from "../../db/repositories/review";
import { requiredLanguages, translationDeadline, variantState, type PairLanguage } from "../domain/pairing";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import type { AppContext } from "./context.server";
import { todayIn, workFacts } from "./review-queues.server";
import { teamSettings } from "./settings.server";

/** The month's parity report: items published in both languages, in one, and why. */

export interface ParityReport {
  month: string;
  /** Per network: posts going (or gone) out in French and in Dutch this month. */
  networks: { network: string; fr: number; nl: number }[];
  oneLanguage: { itemId: string; localDate: string; localTime: string; status: string; language: "fr" | "nl"; reason: string; exceptionStatus: string; requestedBy: string; decidedBy: string | null }[];
  late: { itemId: string; localDate: string; language: PairLanguage; deadline: string; translatedOn: string | null }[];
}

/**
 * The month's parity: per network, French vs Dutch; the items published in one language only with
 * their reasons; and the translations that came after their deadline (or have not come yet).
 */
export async function parityReport(ctx: AppContext, month: string): Promise<ParityReport | undefined> {
  const start = DateTime.fromISO(`${month}-01`, { zone: BRUSSELS_ZONE });
  if (!/^\d{4}-\d{2}$/.test(month) || !start.isValid) return undefined;
  const range = { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate() };
  const settings = await teamSettings(ctx.db);
  const today = todayIn(ctx);
  const [counts, exceptions, rows] = await Promise.all([
    parityCounts(ctx.db, range),
    oneLanguageItems(ctx.db, range),
    listWorkItems(ctx.db, { from: range.start, to: range.end, statuses: ["draft", "in_translation", "awaiting_approval", "scheduled", "published", "partly_failed", "failed", "held"] }),
  ]);
  const networks = new Map<string, { network: string; fr: number; nl: number }>();
  for (const c of counts) {
    const n = networks.get(c.network) ?? { network: c.network, fr: 0, nl: 0 };
    if (c.language === "fr" || c.language === "nl") n[c.language] += c.items;
    networks.set(c.network, n);
  }
  const late: ParityReport["late"] = [];
  for (const row of rows) {
    const { facts, sourceHash } = workFacts(row, settings);
    const deadline = translationDeadline(row.localDate, settings.translationDeadlineDays);
    for (const language of requiredLanguages(facts).filter((l) => l !== row.sourceLanguage)) {
      const v = row.variants.find((x) => x.language === language);
      const translatedOn = v?.translated_at ? DateTime.fromJSDate(v.translated_at, { zone: BRUSSELS_ZONE }).toFormat("yyyy-MM-dd") : null;
      const state = variantState(facts, language, sourceHash);
      const missingPastDeadline = (state === "missing" || state === "stale") && today > deadline;
      if ((translatedOn && translatedOn > deadline) || missingPastDeadline) late.push({ itemId: row.id, localDate: row.localDate, language, deadline, translatedOn: state === "missing" ? null : translatedOn });
    }
  }
  return {
    month,
    networks: [...networks.values()],
    oneLanguage: exceptions.map((e) => ({
      itemId: e.id,
      localDate: e.local_date,
      localTime: e.local_time,
      status: e.status,
      language: e.language,
      reason: e.reason,
      exceptionStatus: e.exception_status,
      requestedBy: e.requested_by,
      decidedBy: e.decided_by,
    })),
    late,
  };
}

/**
 * Reminds translators of translations due within a business day (or late), and approvers of posts
 * going out within two business days that still wait for approval. Each person is reminded once per
 * item (and language); run by the `remind` job every quarter hour.
 */

import { z } from "zod";
import { findContentItem, listItemsWithTexts } from "../../db/repositories/content-items";
import { listItemPublications } from "../../db/repositories/publications";
import { listRecurringQuestions } from "../../db/repositories/recurring-questions";
import { CALENDAR_STATUSES } from "../domain/pairing";
import { resolveLocalTime } from "../domain/time/brussels";
import { importHistoryItem, itemDetail, moveItem, saveItem } from "./content-items.server";
import type { ApiCaller } from "./api.server";
import { apiJson, invalid, problem } from "./api.server";
import type { AppContext } from "./context.server";
import { questionsInFileForm } from "./questions.server";
import { UUID_PATTERN } from "./validation.server";

/** An item as the API shows it. */
export interface ApiItem {
  id: string;
  version: number;
  status: string;
  localDate: string;
  localTime: string;
  occurrence: "first" | "second";
  scheduledAt: string;
  sourceLanguage: "fr" | "nl";
  texts: { fr: ApiText | null; nl: ApiText | null };
  channelIds: string[];
  tags: string[];
  updatedAt: string;
}
interface ApiText {
  text: string;
  link: string | null;
  alt: string | null;
  /** In one item's answer only. */
  visuals?: { hash: string; kind: "image" | "video"; alt: string; sameInBothLanguages: boolean; containsText: boolean; url: string }[];
}

const MAX_DAYS = 93;
const MAX_ITEMS = 2_000;

const listQuery = z.object({
  from: z.string({ message: "validation.required" }).refine((d) => resolveLocalTime(d, "12:00").ok, "validation.date"),
  to: z.string({ message: "validation.required" }).refine((d) => resolveLocalTime(d, "12:00").ok, "validation.date"),
  channel: z.array(z.string().regex(UUID_PATTERN, "validation.invalid")).max(50),
  status: z.array(z.enum(CALENDAR_STATUSES, { message: "validation.invalid" })).max(10),
  tag: z.array(z.string().max(80)).max(20),
});

/** GET /api/v1/items?from=YYYY-MM-DD&to=YYYY-MM-DD[&channel=…][&status=…][&tag=…]: both days included, Brussels dates. */
export async function apiListItems(ctx: AppContext, caller: ApiCaller, url: URL): Promise<Response> {
  const q = listQuery.safeParse({
    from: url.searchParams.get("from") ?? undefined,
    to: url.searchParams.get("to") ?? undefined,
    channel: url.searchParams.getAll("channel"),
    status: url.searchParams.getAll("status"),
    tag: url.searchParams.getAll("tag"),
  });
  if (!q.success) return invalid(caller.lang, Object.fromEntries(q.error.issues.map((i) => [String(i.path[0] ?? ""), { key: (i.message.includes(".") ? i.message : "validation.invalid") as never }])));
  const from = resolveLocalTime(q.data.from, "00:00");
  const to = resolveLocalTime(q.data.to, "00:00");
  if (!from.ok || !to.ok) return invalid(caller.lang, { from: { key: "validation.date" } });
  const end = new Date(to.scheduledAt.getTime() + 86_400_000);
  if (end <= from.scheduledAt || end.getTime() - from.scheduledAt.getTime() > MAX_DAYS * 86_400_000) return invalid(caller.lang, { to: { key: "api.error.range", params: { max: MAX_DAYS } } });
  const rows = await listItemsWithTexts(ctx.db, { start: from.scheduledAt, end }, { channelIds: q.data.channel, statuses: q.data.status, tagSlugs: q.data.tag }, MAX_ITEMS + 1);
  const items: ApiItem[] = rows.slice(0, MAX_ITEMS).map((r) => ({
    id: r.id,
    version: r.version,
    status: r.status,
    localDate: r.local_date,
    localTime: r.local_time,
    occurrence: r.occurrence,
    scheduledAt: r.scheduled_at.toISOString(),
    sourceLanguage: r.source_language,
    texts: {
      fr: r.fr_text === null ? null : { text: r.fr_text, link: r.fr_link, alt: r.fr_alt },
      nl: r.nl_text === null ? null : { text: r.nl_text, link: r.nl_link, alt: r.nl_alt },
    },
    channelIds: r.channel_ids,
    tags: r.tag_slugs,
    updatedAt: r.updated_at.toISOString(),
  }));
  return apiJson({ items, truncated: rows.length > MAX_ITEMS });
}

async function itemOf(ctx: AppContext, id: string): Promise<ApiItem | null> {
  const detail = await itemDetail(ctx, id);
  if (!detail) return null;
  const text = (lang: "fr" | "nl"): ApiText | null => {
    const v = detail.variants.find((x) => x.language === lang);
    return v
      ? {
          text: v.text,
          link: v.linkUrl,
          alt: v.imageAlt,
          visuals: v.visuals.map((x) => ({ hash: x.hash, kind: x.kind, alt: x.alt, sameInBothLanguages: x.sameInBothLanguages, containsText: x.containsText, url: `/media/${x.hash}` })),
        }
      : null;
  };
  return {
    id: detail.item.id,
    version: detail.item.version,
    status: detail.item.status,
    localDate: detail.item.local_date,
    localTime: detail.item.local_time,
    occurrence: detail.item.occurrence,
    scheduledAt: detail.item.scheduled_at.toISOString(),
    sourceLanguage: detail.item.source_language,
    texts: { fr: text("fr"), nl: text("nl") },
    channelIds: detail.channelIds,
    tags: detail.item.tag_slugs,
    updatedAt: detail.item.updated_at.toISOString(),
  };
}

export async function apiGetItem(ctx: AppContext, caller: ApiCaller, id: string): Promise<Response> {
  const item = await itemOf(ctx, id);
  return item ? apiJson(item) : problem(caller.lang, 404, "api.error.notFound");
}

const textBody = z.object({ text: z.string().max(63_206).default(""), link: z.string().max(2048).nullable().default(null), alt: z.string().max(1000).nullable().default(null) }).strict();
const itemBody = z
  .object({
    version: z.number().int().min(1).optional(),
    localDate: z.string(),
    localTime: z.string(),
    occurrence: z.enum(["first", "second"]).optional(),
    sourceLanguage: z.enum(["fr", "nl"]).default("fr"),
    texts: z.object({ fr: textBody.nullable().optional(), nl: textBody.nullable().optional() }).strict(),
    channelIds: z.array(z.string()).max(50),
    tags: z.array(z.string().max(80)).max(20).default([]),
    /** A past post kept as history (published before Cadence, never sent): only on creation, dated in the past. */
    history: z.boolean().default(false),
  })
  .strict();

/** POST /api/v1/items and PATCH /api/v1/items/:id (with `version`): the same rules as the editor. */
export async function apiSaveItem(ctx: AppContext, caller: ApiCaller, id: string | null, body: unknown): Promise<Response> {
  if (id !== null && !UUID_PATTERN.test(id)) return problem(caller.lang, 404, "api.error.notFound");
  const parsed = itemBody.safeParse(body);
  if (!parsed.success) return invalid(caller.lang, Object.fromEntries(parsed.error.issues.map((i) => [i.path.join(".") || "_body", { key: "validation.invalid" as const }])));
  const b = parsed.data;
  if (id !== null && b.version === undefined) return invalid(caller.lang, { version: { key: "validation.required" } });
  const bySlug = new Map((await listRecurringQuestions(ctx.db)).map((q) => [q.slug, q.id]));
  const unknownTag = b.tags.find((slug) => !bySlug.has(slug));
  if (unknownTag) return invalid(caller.lang, { tags: { key: "questions.error.unknownQuestion", params: { value: unknownTag } } });
  if (b.history && id !== null) return invalid(caller.lang, { history: { key: "validation.invalid" } });
  const result = await (b.history ? (user: typeof caller.user, input: unknown) => importHistoryItem(ctx, user, input) : (user: typeof caller.user, input: unknown) => saveItem(ctx, user, id, input))(caller.user, {
    version: b.version,
    localDate: b.localDate,
    localTime: b.localTime,
    occurrence: b.occurrence,
    sourceLanguage: b.sourceLanguage,
    frText: b.texts.fr?.text ?? "",
    frLink: b.texts.fr?.link ?? "",
    frAlt: b.texts.fr?.alt ?? "",
    nlText: b.texts.nl?.text ?? "",
    nlLink: b.texts.nl?.link ?? "",
    nlAlt: b.texts.nl?.alt ?? "",
    channelIds: b.channelIds,
    tagIds: b.tags.map((slug) => bySlug.get(slug)!),
  });
  if (!result.ok) {
    if (result.conflict) return problem(caller.lang, 409, "item.conflict", { current: { version: result.conflict.current?.version, changedBy: result.conflict.byName, changedAt: result.conflict.at } });
    if (result.errors._form?.key === "error.notFound.body") return problem(caller.lang, 404, "api.error.notFound");
    if (result.errors._form?.key === "error.forbidden.body") return problem(caller.lang, 403, "error.forbidden.body");
    return invalid(caller.lang, result.errors);
  }
  const item = await itemOf(ctx, result.id);
  return apiJson(item, id === null ? 201 : 200, id === null ? { Location: `/api/v1/items/${result.id}` } : {});
}

const moveBody = z.object({ localDate: z.string(), localTime: z.string(), version: z.number().int().min(1), occurrence: z.enum(["first", "second"]).optional() }).strict();

/** POST /api/v1/items/:id/move {localDate, localTime, version}: the calendar's move, with its checks. */
export async function apiMoveItem(ctx: AppContext, caller: ApiCaller, id: string, body: unknown): Promise<Response> {
  if (!UUID_PATTERN.test(id)) return problem(caller.lang, 404, "api.error.notFound");
  const parsed = moveBody.safeParse(body);
  if (!parsed.success) return invalid(caller.lang, Object.fromEntries(parsed.error.issues.map((i) => [i.path.join(".") || "_body", { key: "validation.invalid" as const }])));
  const result = await moveItem(ctx, caller.user, id, parsed.data);
  if (result.ok) return apiJson(await itemOf(ctx, id));
  if (result.error === "not_found") return problem(caller.lang, 404, "api.error.notFound");
  if (result.error === "forbidden") return problem(caller.lang, 403, "error.forbidden.body");
  if (result.error === "conflict") return problem(caller.lang, 409, "item.conflict", { current: result.conflict.current, changedBy: result.conflict.byName, changedAt: result.conflict.at });
  if (result.error === "refused") return problem(caller.lang, 422, "api.error.moveRefused", { reason: result.refusal.reason, ...("proposal" in result.refusal ? { proposal: result.refusal.proposal } : {}) });
  return problem(caller.lang, 500, "api.error.internal");
}

export async function apiItemPublications(ctx: AppContext, caller: ApiCaller, id: string): Promise<Response> {
  if (!(await findContentItem(ctx.db, id))) return problem(caller.lang, 404, "api.error.notFound");
  const rows = await listItemPublications(ctx.db, id);
  return apiJson({
    publications: rows.map((p) => ({
      id: p.id,
      channelId: p.channelId,
      channelName: p.channelName,
      network: p.network,
      languages: p.languages,
      state: p.state,
      dueAt: p.dueAt.toISOString(),
      sentAt: p.sentAt?.toISOString() ?? null,
      publishedAt: p.publishedAt?.toISOString() ?? null,
      remoteUrl: p.remoteUrl,
      attempts: p.attempts,
      errorCode: p.errorCode,
      error: p.error,
    })),
  });
}

export async function apiQuestions(ctx: AppContext): Promise<Response> {
  return apiJson({ questions: await questionsInFileForm(ctx) });
}

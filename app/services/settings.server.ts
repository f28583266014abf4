import { z } from "zod";
import type { Db } from "../../db/client";
import { readSettings, writeSetting } from "../../db/repositories/review";
import type { User } from "../../db/schema";
import { can } from "../domain/permissions";
import { parseSensitiveWords } from "../domain/reply-approval";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { toFieldErrors, type FieldErrors } from "./validation.server";

/** The team's rules an admin can change. */
export interface TeamSettings {
  /** A one-person team may approve its own items (four eyes relaxed). Off by default; audited. */
  fourEyesRelaxed: boolean;
  /** The order of the two languages on a bilingual channel. */
  bilingualOrder: "fr-nl" | "nl-fr";
  /** Translations are due this many business days before publication. */
  translationDeadlineDays: number;
  /** Answers to citizens that contain one of these words need a second person's approval. */
  replyApprovalWords: string[];
  /** Answers on these channels (ids) all need a second person's approval. */
  replyApprovalChannels: string[];
  /** Terms searched in public posts where a network offers search (Bluesky, Mastodon). */
  watchTerms: string[];
}

export const DEFAULT_SETTINGS: TeamSettings = { fourEyesRelaxed: false, bilingualOrder: "fr-nl", translationDeadlineDays: 2, replyApprovalWords: [], replyApprovalChannels: [], watchTerms: [] };

const stored = z.object({
  fourEyesRelaxed: z.boolean().catch(DEFAULT_SETTINGS.fourEyesRelaxed),
  bilingualOrder: z.enum(["fr-nl", "nl-fr"]).catch(DEFAULT_SETTINGS.bilingualOrder),
  translationDeadlineDays: z.number().int().min(0).max(20).catch(DEFAULT_SETTINGS.translationDeadlineDays),
  replyApprovalWords: z.array(z.string()).catch([]),
  replyApprovalChannels: z.array(z.string()).catch([]),
  watchTerms: z.array(z.string()).catch([]),
});

export async function teamSettings(db: Db): Promise<TeamSettings> {
  const raw = await readSettings(db);
  return stored.parse({ ...DEFAULT_SETTINGS, ...raw });
}

const formSchema = z.object({
  fourEyesRelaxed: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
  bilingualOrder: z.enum(["fr-nl", "nl-fr"], "validation.invalid"),
  translationDeadlineDays: z.coerce.number({ message: "validation.number" }).int("validation.number").min(0, "validation.range").max(20, "validation.range"),
  replyApprovalWords: z
    .string()
    .max(5000, "validation.tooLong")
    .optional()
    .transform((v) => parseSensitiveWords(v ?? ""))
    .pipe(z.array(z.string().max(100, "settings.error.wordTooLong")).max(100, "settings.error.tooManyWords")),
  replyApprovalChannels: z.array(z.string().uuid("validation.invalid")).max(200).optional().default([]),
  watchTerms: z
    .string()
    .max(2000, "validation.tooLong")
    .optional()
    .transform((v) => parseSensitiveWords(v ?? ""))
    .pipe(z.array(z.string().min(3, "settings.error.termTooShort").max(100, "settings.error.wordTooLong")).max(20, "settings.error.tooManyTerms")),
});

export type SettingsResult = { ok: true } | { ok: false; errors: FieldErrors };

/** Changes the team's settings (admins); each change is audited with its old and new value. */
export async function updateTeamSettings(ctx: AppContext, user: User, input: unknown): Promise<SettingsResult> {
  if (!can(user.roles, "settings.manage")) return { ok: false, errors: { _form: { key: "error.forbidden.body" } } };
  const parsed = formSchema.safeParse(input);
  if (!parsed.success) {
    // An error on one word of a list is shown under the list.
    const errors: FieldErrors = {};
    for (const [field, error] of Object.entries(toFieldErrors(parsed.error))) errors[field.split(".")[0]!] ??= error;
    return { ok: false, errors };
  }
  const next = parsed.data;
  await ctx.db.transaction().execute(async (tx) => {
    const before = await teamSettings(tx);
    for (const key of Object.keys(next) as (keyof TeamSettings)[]) {
      if (JSON.stringify(before[key]) === JSON.stringify(next[key])) continue;
      await writeSetting(tx, key, next[key], user.id);
      await audit(tx, actorOf(user), { action: "settings.updated", subjectType: "setting", subjectId: key, before: { [key]: before[key] }, after: { [key]: next[key] } });
    }
  });
  return { ok: true };
}

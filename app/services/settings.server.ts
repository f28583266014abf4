import { z } from "zod";
import type { Db } from "../../db/client";
import { readSettings, writeSetting } from "../../db/repositories/review";
import type { User } from "../../db/schema";
import { can } from "../domain/permissions";
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
}

export const DEFAULT_SETTINGS: TeamSettings = { fourEyesRelaxed: false, bilingualOrder: "fr-nl", translationDeadlineDays: 2 };

const stored = z.object({
  fourEyesRelaxed: z.boolean().catch(DEFAULT_SETTINGS.fourEyesRelaxed),
  bilingualOrder: z.enum(["fr-nl", "nl-fr"]).catch(DEFAULT_SETTINGS.bilingualOrder),
  translationDeadlineDays: z.number().int().min(0).max(20).catch(DEFAULT_SETTINGS.translationDeadlineDays),
});

export async function teamSettings(db: Db): Promise<TeamSettings> {
  const raw = await readSettings(db);
  return stored.parse({ ...DEFAULT_SETTINGS, ...raw });
}

const formSchema = z.object({
  fourEyesRelaxed: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
  bilingualOrder: z.enum(["fr-nl", "nl-fr"], "validation.invalid"),
  translationDeadlineDays: z.coerce.number({ message: "validation.number" }).int("validation.number").min(0, "validation.range").max(20, "validation.range"),
});

export type SettingsResult = { ok: true } | { ok: false; errors: FieldErrors };

/** Changes the team's settings (admins); each change is audited with its old and new value. */
export async function updateTeamSettings(ctx: AppContext, user: User, input: unknown): Promise<SettingsResult> {
  if (!can(user.roles, "settings.manage")) return { ok: false, errors: { _form: { key: "error.forbidden.body" } } };
  const parsed = formSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const next = parsed.data;
  await ctx.db.transaction().execute(async (tx) => {
    const before = await teamSettings(tx);
    for (const key of Object.keys(next) as (keyof TeamSettings)[]) {
      if (before[key] === next[key]) continue;
      await writeSetting(tx, key, next[key], user.id);
      await audit(tx, actorOf(user), { action: "settings.updated", subjectType: "setting", subjectId: key, before: { [key]: before[key] }, after: { [key]: next[key] } });
    }
  });
  return { ok: true };
}

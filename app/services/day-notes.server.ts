import { z } from "zod";
import { deleteDayNote as deleteNoteRow, findDayNote, insertDayNote, updateDayNote } from "../../db/repositories/day-notes";
import type { User } from "../../db/schema";
import { can } from "../domain/permissions";
import { resolveLocalTime } from "../domain/time/brussels";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { toFieldErrors, type FieldErrors } from "./validation.server";

const noteText = z
  .string({ message: "validation.required" })
  .max(500, "validation.tooLong")
  .transform((s) => s.normalize("NFC").trim())
  .pipe(z.string().min(1, "validation.required"));

export const dayNoteSchema = z.object({
  id: z.string().uuid().optional().or(z.literal("").transform(() => undefined)),
  version: z.coerce.number().int().min(1).optional(),
  localDate: z.string().refine((d) => resolveLocalTime(d, "12:00").ok, "validation.date"),
  textFr: noteText,
  textNl: noteText,
});

export type DayNoteResult = { ok: true; id: string } | { ok: false; errors: FieldErrors };

/** Adds or edits a day note ("Tax-on-web opens"), in both languages; editors only; audited. */
export async function saveDayNote(ctx: AppContext, user: User, input: unknown): Promise<DayNoteResult> {
  if (!can(user.roles, "dayNote.write")) return { ok: false, errors: { _form: { key: "error.forbidden.body" } } };
  const parsed = dayNoteSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const data = parsed.data;
  return await ctx.db.transaction().execute(async (tx): Promise<DayNoteResult> => {
    if (data.id) {
      const before = await findDayNote(tx, data.id);
      if (!before) return { ok: false, errors: { _form: { key: "error.notFound.body" } } };
      const updated = await updateDayNote(tx, { id: data.id, expectedVersion: data.version ?? 0, localDate: data.localDate, textFr: data.textFr, textNl: data.textNl });
      if (!updated) return { ok: false, errors: { _form: { key: "item.conflict" } } };
      await audit(tx, actorOf(user), {
        action: "day_note.updated",
        subjectType: "day_note",
        subjectId: data.id,
        before: { localDate: before.local_date, textFr: before.text_fr, textNl: before.text_nl },
        after: { localDate: data.localDate, textFr: data.textFr, textNl: data.textNl },
      });
      return { ok: true, id: data.id };
    }
    const note = await insertDayNote(tx, { local_date: data.localDate, text_fr: data.textFr, text_nl: data.textNl, author_id: user.id });
    await audit(tx, actorOf(user), { action: "day_note.created", subjectType: "day_note", subjectId: note.id, after: { localDate: data.localDate, textFr: data.textFr, textNl: data.textNl } });
    return { ok: true, id: note.id };
  });
}

export async function deleteDayNote(ctx: AppContext, user: User, id: string): Promise<DayNoteResult> {
  if (!can(user.roles, "dayNote.write")) return { ok: false, errors: { _form: { key: "error.forbidden.body" } } };
  if (!z.string().uuid().safeParse(id).success) return { ok: false, errors: { _form: { key: "error.notFound.body" } } };
  return await ctx.db.transaction().execute(async (tx): Promise<DayNoteResult> => {
    const before = await findDayNote(tx, id);
    if (!before) return { ok: false, errors: { _form: { key: "error.notFound.body" } } };
    await deleteNoteRow(tx, id);
    await audit(tx, actorOf(user), { action: "day_note.deleted", subjectType: "day_note", subjectId: id, before: { localDate: before.local_date, textFr: before.text_fr, textNl: before.text_nl } });
    return { ok: true, id };
  });
}

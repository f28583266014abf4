import { z } from "zod";
import { findUserByEmail, insertUser, listUsers, updateUserLanguage } from "../../db/repositories/users";
import type { User } from "../../db/schema";
import { ROLES, type Role } from "../domain/permissions";
import type { UiLanguage } from "../i18n";
import { audit, type Actor } from "./audit.server";
import type { AppContext } from "./context.server";
import { hashPassword, MIN_PASSWORD_LENGTH } from "./passwords.server";
import { toFieldErrors, type FieldErrors } from "./validation.server";

const text = (max: number) =>
  z
    .string({ message: "validation.required" })
    .transform((s) => s.normalize("NFC").trim())
    .pipe(z.string().min(1, "validation.required").max(max, "validation.tooLong"));

export const newUserSchema = z.object({
  displayName: text(120),
  email: text(254).pipe(z.email("validation.email")),
  password: z
    .string({ message: "validation.required" })
    .min(MIN_PASSWORD_LENGTH, "validation.passwordTooShort")
    .max(256, "validation.tooLong"),
  roles: z.array(z.enum(ROLES as [Role, ...Role[]], "validation.roles"), "validation.roles").min(1, "validation.roles"),
  uiLanguage: z.enum(["fr", "nl", "en"], "validation.language"),
});

export type NewUserInput = z.input<typeof newUserSchema>;

export type CreateUserResult = { ok: true; user: User } | { ok: false; errors: FieldErrors };

/** Creates a user after validating every field; a duplicate e-mail is a field error, not a crash. */
export async function createUser(ctx: AppContext, actor: Actor, input: unknown): Promise<CreateUserResult> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const data = parsed.data;
  const passwordHash = await hashPassword(data.password);
  return await ctx.db.transaction().execute(async (tx) => {
    if (await findUserByEmail(tx, data.email)) {
      return { ok: false, errors: { email: { key: "users.create.emailTaken" } } };
    }
    const user = await insertUser(tx, {
      email: data.email,
      display_name: data.displayName,
      roles: [...new Set(data.roles)],
      ui_language: data.uiLanguage,
      password_hash: passwordHash,
    });
    await audit(tx, actor, {
      action: "user.created",
      subjectType: "user",
      subjectId: user.id,
      after: { email: user.email, displayName: user.display_name, roles: user.roles, uiLanguage: user.ui_language },
    });
    return { ok: true, user };
  });
}

export async function setUserLanguage(ctx: AppContext, user: User, language: UiLanguage): Promise<void> {
  if (user.ui_language === language) return;
  await ctx.db.transaction().execute(async (tx) => {
    await updateUserLanguage(tx, user.id, language);
    await audit(tx, { id: user.id, label: user.display_name }, {
      action: "user.language_changed",
      subjectType: "user",
      subjectId: user.id,
      before: { uiLanguage: user.ui_language },
      after: { uiLanguage: language },
    });
  });
}

export async function allUsers(ctx: AppContext): Promise<User[]> {
  return await listUsers(ctx.db);
}

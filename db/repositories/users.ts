import { sql } from "kysely";
import type { Db } from "../client";
import type { NewUser, Role, UiLanguage, User } from "../schema";

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return await db
    .selectFrom("users")
    .selectAll()
    .where(sql<string>`lower(email)`, "=", email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  return await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listUsers(db: Db): Promise<User[]> {
  return await db.selectFrom("users").selectAll().orderBy("display_name").execute();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertUser(db: Db, user: NewUser): Promise<User> {
  return await db.insertInto("users").values(user).returningAll().executeTakeFirstOrThrow();
}

export async function updateUserLanguage(db: Db, id: string, language: UiLanguage): Promise<void> {
  await db
    .updateTable("users")
    .set((eb) => ({ ui_language: language, updated_at: sql<Date>`now()`, version: eb("version", "+", 1) }))
    .where("id", "=", id)
    .execute();
}

export async function updateUserPassword(db: Db, id: string, passwordHash: string): Promise<void> {
  await db
    .updateTable("users")
    .set((eb) => ({ password_hash: passwordHash, updated_at: sql<Date>`now()`, version: eb("version", "+", 1) }))
    .where("id", "=", id)
    .execute();
}

export async function updateUserRoles(db: Db, id: string, roles: Role[]): Promise<void> {
  await db
    .updateTable("users")
    .set((eb) => ({ roles, updated_at: sql<Date>`now()`, version: eb("version", "+", 1) }))
    .where("id", "=", id)
    .execute();
}

/** The user an identity provider's subject was linked to at their first single sign-on. */
export async function findUserByOidcSubject(db: Db, subject: string): Promise<User | undefined> {
  return await db.selectFrom("users").selectAll().where("oidc_subject", "=", subject).executeTakeFirst();
}

/** After a single sign-on: the subject linked, and the roles and name the provider gives. */
export async function updateUserFromProvider(db: Db, id: string, change: { oidcSubject: string; roles: Role[]; displayName: string }): Promise<User> {
  return await db
    .updateTable("users")
    .set((eb) => ({ oidc_subject: change.oidcSubject, roles: change.roles, display_name: change.displayName, updated_at: sql<Date>`now()`, version: eb("version", "+", 1) }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

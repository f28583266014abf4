import { deleteExpiredSessions, deleteSession, findSessionUser, insertSession } from "../../db/repositories/sessions";
import { countRecentFailedSignIns } from "../../db/repositories/audit-events";
import { findUserByEmail } from "../../db/repositories/users";
import type { User } from "../../db/schema";
import { audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { verifyAgainstDummy, verifyPassword } from "./passwords.server";
import { hashSecretToken, newSecretToken } from "./secret-tokens.server";

export type SignInResult = { ok: true; user: User; sessionToken: string; expiresAt: Date } | { ok: false; retryAfterMinutes?: number };

/** Sign-in is refused for a while after this many failures in the window: per account, and per address. */
export const THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 20 };

/**
 * E-mail and password sign-in. A failure says nothing about whether the e-mail exists (same
 * answer, same time). Success opens a fresh session: the token is random and only its hash is stored.
 */
export async function signIn(ctx: AppContext, input: { email: string; password: string }): Promise<SignInResult> {
  // Guessing is slowed down: after repeated failures on an account, or from an address, sign-in
  // waits out the window — whether the account exists or not, and even with the right password.
  const address = ctx.requestScope?.address ?? null;
  const recent = await countRecentFailedSignIns(ctx.db, input.email.slice(0, 320), address, THROTTLE.windowMinutes);
  if (recent.account >= THROTTLE.perAccount || recent.address >= THROTTLE.perAddress) {
    await verifyAgainstDummy(input.password);
    return { ok: false, retryAfterMinutes: THROTTLE.windowMinutes };
  }
  const user = await findUserByEmail(ctx.db, input.email);
  const valid = user?.password_hash && user.active ? await verifyPassword(user.password_hash, input.password) : false;
  if (!user || !user.password_hash || !user.active) await verifyAgainstDummy(input.password);
  if (!user || !valid) {
    await audit(ctx.db, { id: user?.id ?? null, label: input.email.slice(0, 320) }, {
      action: "auth.sign_in_failed",
      subjectType: "user",
      subjectId: user?.id ?? null,
      ...(address ? { after: { address } } : {}),
    });
    return { ok: false };
  }
  const { token, expiresAt } = await openSession(ctx, user.id);
  await audit(ctx.db, { id: user.id, label: user.display_name }, { action: "auth.signed_in", subjectType: "user", subjectId: user.id });
  return { ok: true, user, sessionToken: token, expiresAt };
}

export async function openSession(ctx: AppContext, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newSecretToken();
  const expiresAt = new Date(ctx.now().getTime() + ctx.config.sessionTtlHours * 3600_000);
  await insertSession(ctx.db, { idHash: hash, userId, expiresAt });
  return { token, expiresAt };
}

export async function userForSession(ctx: AppContext, token: string): Promise<User | undefined> {
  return await findSessionUser(ctx.db, hashSecretToken(token), ctx.now());
}

export async function signOut(ctx: AppContext, token: string, user: User | undefined): Promise<void> {
  await deleteSession(ctx.db, hashSecretToken(token));
  if (user) {
    await audit(ctx.db, { id: user.id, label: user.display_name }, { action: "auth.signed_out", subjectType: "user", subjectId: user.id });
  }
}

/** Deletes sessions past their expiry; run by the scheduler. */
export async function purgeExpiredSessions(ctx: AppContext): Promise<number> {
  return await deleteExpiredSessions(ctx.db, ctx.now());
}

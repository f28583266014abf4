import { z } from "zod";
import { countApiRequest, insertApiToken, listApiTokens, revokeApiToken, touchApiToken } from "../../db/repositories/api-tokens";
import { findUserById } from "../../db/repositories/users";
import type { User } from "../../db/schema";
import { can, isRole, type Action } from "../domain/permissions";
import { isUiLanguage, translator, type MessageKey, type UiLanguage } from "../i18n";
import { negotiateLanguage } from "../i18n/negotiate.server";
import { actorOf, audit } from "./audit.server";
import type { AppContext } from "./context.server";
import { currentUser, requestLanguage } from "./session.server";
import { hashSecretToken, newSecretToken } from "./secret-tokens.server";
import { CONTROL_CHARACTERS, toFieldErrors, type FieldErrors } from "./validation.server";

/** Who calls the API: a personal token's owner (read or write scope), or the signed-in user in the browser. */
export interface ApiCaller {
  user: User;
  scope: "read" | "write";
  lang: UiLanguage;
}

const TOKEN_PREFIX = "cad_";

// ---- tokens ----

const tokenInput = z.object({
  name: z
    .string({ message: "validation.required" })
    .max(80, "validation.tooLong")
    .transform((s) => s.normalize("NFC").trim())
    .pipe(z.string().min(1, "validation.required")),
  scope: z.enum(["read", "write"], { message: "validation.invalid" }),
});

/** A new personal token: returned once, stored as its hash. */
export async function createApiToken(ctx: AppContext, user: User, input: unknown): Promise<{ ok: true; id: string; token: string } | { ok: false; errors: FieldErrors }> {
  const parsed = tokenInput.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const { token, hash } = newSecretToken(TOKEN_PREFIX);
  const id = await ctx.db.transaction().execute(async (tx) => {
    const row = await insertApiToken(tx, { userId: user.id, name: parsed.data.name, tokenHash: hash, scope: parsed.data.scope });
    await audit(tx, actorOf(user), { action: "api_token.created", subjectType: "api_token", subjectId: row.id, after: { name: parsed.data.name, scope: parsed.data.scope } });
    return row.id;
  });
  return { ok: true, id, token };
}

export async function listTokens(ctx: AppContext, user: User) {
  return (await listApiTokens(ctx.db, user.id)).map((r) => ({
    id: r.id,
    name: r.name,
    scope: r.scope,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }));
}

export async function revokeTokenOf(ctx: AppContext, user: User, id: string): Promise<boolean> {
  if (!z.string().uuid().safeParse(id).success) return false;
  return await ctx.db.transaction().execute(async (tx) => {
    const done = await revokeApiToken(tx, user.id, id);
    if (done) await audit(tx, actorOf(user), { action: "api_token.revoked", subjectType: "api_token", subjectId: id });
    return done;
  });
}

// ---- rate limit ----

/**
 * Per caller, at most `limit` requests in any sliding minute, counted in the database so that every
 * web process shares the count (decision 0024). Refused requests count too: a caller that keeps
 * hammering stays refused until it slows down.
 */
async function rateLimited(ctx: AppContext, key: string, limit: number): Promise<{ limited: boolean; remaining: number; resetSeconds: number }> {
  const now = ctx.now();
  const { estimate, windowStart } = await countApiRequest(ctx.db, key, now);
  const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now.getTime()) / 1000));
  return { limited: estimate > limit, remaining: Math.max(0, Math.floor(limit - estimate)), resetSeconds };
}

// ---- answers ----

/** RFC 9457 problem details, in the caller's language. */
export function problem(lang: UiLanguage, status: number, title: MessageKey, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  const t = translator(lang);
  return new Response(JSON.stringify({ type: "about:blank", title: t(title), status, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json; charset=utf-8", ...headers },
  });
}

/** A 422 with one entry per field, each message in the caller's language. */
export function invalid(lang: UiLanguage, errors: FieldErrors): Response {
  const t = translator(lang);
  return problem(lang, 422, "api.error.invalid", { errors: Object.entries(errors).map(([field, e]) => ({ field, detail: e ? t(e.key, e.params) : "" })) });
}

export function apiJson(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), { status, headers: { "Content-Type": "application/json; charset=utf-8", ...headers } });
}

/** The JSON body of a request, or the problem to answer. */
async function readJson(request: Request, lang: UiLanguage): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) return { ok: false, response: problem(lang, 415, "api.error.json") };
  const raw = await request.text();
  if (raw.length > 200_000) return { ok: false, response: problem(lang, 413, "api.error.tooLarge") };
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, response: problem(lang, 400, "api.error.json") };
  }
  // Control characters (NUL and the like) are refused where they are, field by field.
  const fields = fieldsWithControlCharacters(body);
  if (fields.length > 0) return { ok: false, response: invalid(lang, Object.fromEntries(fields.map((f) => [f, { key: "api.error.controlCharacters" as const }]))) };
  return { ok: true, body };
}

/** The paths (`texts.fr.text`, `tags.2`) of the strings in a JSON value that hold control characters. */
function fieldsWithControlCharacters(value: unknown, path = "", found: string[] = [], depth = 0): string[] {
  if (found.length >= 20 || depth > 20) return found;
  if (typeof value === "string") {
    if (CONTROL_CHARACTERS.test(value)) found.push(path || "body");
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => fieldsWithControlCharacters(v, path ? `${path}.${i}` : String(i), found, depth + 1));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) fieldsWithControlCharacters(v, path ? `${path}.${k}` : k, found, depth + 1);
  }
  return found;
}

/**
 * Runs an API handler for a caller allowed to do `action` (with a write-scoped token for a change):
 * authentication, permission, rate limit, and a problem — never a stack trace — if anything fails.
 */
export async function withApi(
  ctx: AppContext,
  request: Request,
  options: { action: Action; write: boolean },
  handler: (caller: ApiCaller) => Promise<Response>,
): Promise<Response> {
  let lang: UiLanguage = negotiateLanguage(request.headers.get("accept-language"));
  try {
    const authorization = request.headers.get("authorization");
    let caller: ApiCaller | null = null;
    let key: string;
    if (authorization) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? "";
      const row = token.startsWith(TOKEN_PREFIX) && token.length < 200 ? await touchApiToken(ctx.db, hashSecretToken(token)) : undefined;
      const user = row ? await findUserById(ctx.db, row.user_id) : undefined;
      if (!row || !user || !user.active) return problem(lang, 401, "api.error.token", {}, { "WWW-Authenticate": 'Bearer realm="cadence", error="invalid_token"' });
      if (isUiLanguage(user.ui_language)) lang = user.ui_language;
      caller = { user, scope: row.scope, lang };
      key = `token:${row.id}`;
    } else {
      const user = await currentUser(ctx, request);
      if (!user) return problem(lang, 401, "api.error.unauthenticated", {}, { "WWW-Authenticate": 'Bearer realm="cadence"' });
      lang = await requestLanguage(ctx, request, user);
      caller = { user, scope: "write", lang };
      key = `user:${user.id}`;
    }
    const limit = await rateLimited(ctx, key, ctx.config.apiRateLimitPerMinute);
    const rateHeaders = { "RateLimit-Limit": String(ctx.config.apiRateLimitPerMinute), "RateLimit-Remaining": String(limit.remaining), "RateLimit-Reset": String(limit.resetSeconds) };
    if (limit.limited) return problem(lang, 429, "api.error.rateLimited", {}, { ...rateHeaders, "Retry-After": String(limit.resetSeconds) });
    if (options.write && caller.scope !== "write") return problem(lang, 403, "api.error.readOnlyToken", {}, rateHeaders);
    if (!can(caller.user.roles.filter(isRole), options.action)) return problem(lang, 403, "error.forbidden.body", {}, rateHeaders);
    const response = await handler(caller);
    for (const [name, value] of Object.entries(rateHeaders)) response.headers.set(name, value);
    return response;
  } catch (error) {
    ctx.log.error("api request failed", { path: new URL(request.url).pathname, error: error instanceof Error ? error.message : String(error) });
    return problem(lang, 500, "api.error.internal");
  }
}

/** 405 with the methods this address answers. */
export function methodNotAllowed(request: Request, allow: string): Response {
  return problem(negotiateLanguage(request.headers.get("accept-language")), 405, "api.error.method", {}, { Allow: allow });
}

/** withApi for a request whose JSON body the handler needs: read and checked before the handler runs. */
export async function withJsonApi(
  ctx: AppContext,
  request: Request,
  options: { action: Action; write: boolean },
  handler: (caller: ApiCaller, body: unknown) => Promise<Response>,
): Promise<Response> {
  return await withApi(ctx, request, options, async (caller) => {
    const body = await readJson(request, caller.lang);
    return body.ok ? await handler(caller, body.body) : body.response;
  });
}

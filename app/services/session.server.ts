import { createCookie, redirect, type Cookie } from "@remix-run/node";
import type { User } from "../../db/schema";
import { can, type Action } from "../domain/permissions";
import { isUiLanguage, type UiLanguage } from "../i18n";
import { negotiateLanguage } from "../i18n/negotiate.server";
import { languageOf, plainRefusal } from "./validation.server";
import { userForSession } from "./auth.server";
import type { AppContext } from "./context.server";

const cookies = new WeakMap<AppContext["config"], { session: Cookie; language: Cookie }>();

function cookiesFor(ctx: AppContext) {
  let pair = cookies.get(ctx.config);
  if (!pair) {
    pair = {
      session: createCookie("cadence_session", {
        httpOnly: true,
        sameSite: "lax",
        secure: ctx.config.production,
        path: "/",
        secrets: [ctx.config.sessionSecret],
      }),
      // The language of someone not signed in yet; signed-in users keep theirs in their profile.
      language: createCookie("cadence_lang", { httpOnly: true, sameSite: "lax", secure: ctx.config.production, path: "/", maxAge: 365 * 86400 }),
    };
    cookies.set(ctx.config, pair);
  }
  return pair;
}

export async function sessionToken(ctx: AppContext, request: Request): Promise<string | null> {
  const value: unknown = await cookiesFor(ctx).session.parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

export async function commitSessionCookie(ctx: AppContext, token: string, expiresAt: Date): Promise<string> {
  return await cookiesFor(ctx).session.serialize(token, { expires: expiresAt });
}

export async function clearSessionCookie(ctx: AppContext): Promise<string> {
  return await cookiesFor(ctx).session.serialize("", { expires: new Date(0), maxAge: 0 });
}

export async function languageCookie(ctx: AppContext, lang: UiLanguage): Promise<string> {
  return await cookiesFor(ctx).language.serialize(lang);
}

const usersByRequest = new WeakMap<Request, Promise<User | null>>();

/** The signed-in user, looked up once per HTTP request however many loaders ask. */
export function currentUser(ctx: AppContext, request: Request): Promise<User | null> {
  if (ctx.requestScope) return (ctx.requestScope.user ??= lookUpUser(ctx, request));
  let user = usersByRequest.get(request);
  if (!user) {
    user = lookUpUser(ctx, request);
    usersByRequest.set(request, user);
  }
  return user;
}

function lookUpUser(ctx: AppContext, request: Request): Promise<User | null> {
  return sessionToken(ctx, request).then(async (token) => (token ? ((await userForSession(ctx, token)) ?? null) : null));
}

/** The UI language: the user's setting, else the language cookie, else Accept-Language. */
export async function requestLanguage(ctx: AppContext, request: Request, user: User | null): Promise<UiLanguage> {
  if (user && isUiLanguage(user.ui_language)) return user.ui_language;
  const fromCookie: unknown = await cookiesFor(ctx).language.parse(request.headers.get("Cookie"));
  if (isUiLanguage(fromCookie)) return fromCookie;
  return negotiateLanguage(request.headers.get("Accept-Language"));
}

/** A signed-in user, or a redirect to the sign-in page that comes back here afterwards. */
export async function requireUser(ctx: AppContext, request: Request): Promise<User> {
  const user = await currentUser(ctx, request);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`);
  }
  return user;
}


/** A signed-in user allowed to do `action`; anyone else gets a 403 page. */
export async function requirePermission(ctx: AppContext, request: Request, action: Action): Promise<User> {
  const user = await requireUser(ctx, request);
  if (!can(user.roles, action)) {
    // Pages show their translated 403 page; a download or a script's request gets the message itself.
    throw plainRefusal(languageOf(user), 403, "error.forbidden.body");
  }
  return user;
}

/** Only same-site relative paths are followed after sign-in. */
export function safeRedirectTarget(target: unknown, fallback = "/calendar"): string {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) return fallback;
  return target;
}

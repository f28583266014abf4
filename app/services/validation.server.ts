import type { z } from "zod";
import { isUiLanguage, translator, type MessageKey, type UiLanguage } from "../i18n";
import { negotiateLanguage } from "../i18n/negotiate.server";
import { en } from "../i18n/en";

/** A field's error as a catalogue key plus its parameters, translated by the route in the user's language. */
export interface FieldError {
  key: MessageKey;
  params?: Record<string, number | string>;
}

export type FieldErrors = Record<string, FieldError>;

export { UUID_PATTERN } from "../../db/ids";

const KNOWN_KEYS = new Set<string>(Object.keys(en));

/** Turns zod issues into one error per field: schemas name catalogue keys as their messages. */
export function toFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join(".") || "_form";
    if (out[field]) continue;
    const key = (KNOWN_KEYS.has(issue.message) ? issue.message : "validation.invalid") as MessageKey;
    const params: Record<string, number | string> = {};
    if (issue.code === "too_big") params.max = Number(issue.maximum);
    if (issue.code === "too_small") params.min = Number(issue.minimum);
    out[field] = { key, params };
  }
  return out;
}

/** FormData to a plain object: repeated names (checkbox groups) become arrays. */
export function formToObject(form: FormData, arrayFields: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key).map((v) => (typeof v === "string" ? v : ""));
    out[key] = arrayFields.includes(key) ? values : values[0];
  }
  for (const key of arrayFields) out[key] ??= [];
  return out;
}

/** The HTTP status of a refused action: 403 when the role does not allow it, 404 when the thing is gone, else 400. */
/** Refusals that say someone else changed or answered it meanwhile: a 409, as the API says it. */
const CONFLICT_KEYS = new Set(["item.conflict", "review.changedSinceShown", "inbox.error.replyInFlight"]);

export function refusalStatus(key: string | undefined): 400 | 403 | 404 | 409 {
  return key === "error.forbidden.body" ? 403 : key === "error.notFound.body" ? 404 : key !== undefined && CONFLICT_KEYS.has(key) ? 409 : 400;
}

/**
 * A refused action as JSON for the pages' scripts: the message key (the page shows it in place), the
 * message itself in the user's language, and the status that says why (403, 404, 409 or 400).
 */
export function refusedJson(user: { ui_language: string }, key: MessageKey, params?: Record<string, string | number>, extra: Record<string, unknown> = {}): Response {
  return Response.json({ ok: false, key, params, message: translator(languageOf(user))(key, params), ...extra }, { status: refusalStatus(key) });
}

/** A signed-in person's interface language (English for a value the catalogue does not know). */
export function languageOf(user: { ui_language: string }): UiLanguage {
  return isUiLanguage(user.ui_language) ? user.ui_language : "en";
}

/** A refusal as one translated line of plain text: for downloads, scripts and anything not a page. */
export function plainRefusal(lang: UiLanguage, status: number, key: MessageKey): Response {
  return new Response(`${translator(lang)(key)}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * Control characters no one types: NUL to US except tab, line feed and carriage return, and DEL.
 * PostgreSQL refuses NUL in text, and the others would travel invisibly into posts.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const ALL_CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTERS.source, "g");

/**
 * A form's fields, for every action: a body that is not a form (wrong content type, broken
 * encoding) is a 400 that says so in the reader's language, never a 500; invisible control
 * characters (pasted from other programs) are removed from what was typed.
 */
export async function readForm(request: Request): Promise<FormData> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw plainRefusal(negotiateLanguage(request.headers.get("Accept-Language")), 400, "error.badForm");
  }
  const clean = new FormData();
  for (const [name, value] of form) clean.append(name.replace(ALL_CONTROL_CHARACTERS, ""), typeof value === "string" ? value.replace(ALL_CONTROL_CHARACTERS, "") : value);
  return clean;
}

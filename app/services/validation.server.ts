import type { z } from "zod";
import type { MessageKey } from "../i18n";
import { en } from "../i18n/en";

/** A field's error as a catalogue key plus its parameters, translated by the route in the user's language. */
export interface FieldError {
  key: MessageKey;
  params?: Record<string, number | string>;
}

export type FieldErrors = Record<string, FieldError>;

/** A UUID as the database writes them: anything else in a URL or a body matches no row. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

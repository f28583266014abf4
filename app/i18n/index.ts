import { IntlMessageFormat } from "intl-messageformat";
import { en, type Catalogue, type MessageKey } from "./en";
import { fr } from "./fr";
import { nl } from "./nl";

export type { MessageKey };
export type UiLanguage = "fr" | "nl" | "en";
export const UI_LANGUAGES: readonly UiLanguage[] = ["fr", "nl", "en"];
export const DEFAULT_LANGUAGE: UiLanguage = "fr";

const catalogues: Record<UiLanguage, Catalogue> = { fr, nl, en };

export function isUiLanguage(value: unknown): value is UiLanguage {
  return value === "fr" || value === "nl" || value === "en";
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A message's compiled ICU form and the arguments that choose its forms, per language and key (compiled once, on first use). */
const compiled = new Map<string, { format: IntlMessageFormat | null; selectors: Set<string> }>();

/** The arguments that choose a plural or a select form: they stay numbers, the others are shown as given. */
const selectors = (template: string) => new Set([...template.matchAll(/\{\s*(\w+)\s*,\s*(?:plural|selectordinal|select)\b/g)].map((m) => m[1]!));

/**
 * Messages are ICU MessageFormat (intl-messageformat): `{name}` is replaced, and counts choose their
 * plural form by the language's rules — `{count, plural, one {# post} other {# posts}}`. Values are
 * shown as given (numbers are formatted by the caller, in the reader's locale); an argument that is
 * missing leaves its placeholder as it is.
 */
export function translator(lang: UiLanguage): Translate {
  const catalogue = catalogues[lang];
  return (key, params) => {
    const template = catalogue[key];
    if (!params || !template.includes("{")) return template;
    const cacheKey = `${lang}\u0000${key}`;
    let entry = compiled.get(cacheKey);
    if (entry === undefined) {
      let format: IntlMessageFormat | null;
      try {
        format = new IntlMessageFormat(template, localeOf(lang), undefined, { ignoreTag: true });
      } catch {
        format = null;
      }
      entry = { format, selectors: selectors(template) };
      compiled.set(cacheKey, entry);
    }
    const { format, selectors: plural } = entry;
    const simple = () => template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
    if (!format || Object.keys(params).length === 0) return simple();
    // A count given as text (a query parameter) still chooses its plural form.
    const values = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, plural.has(k) ? (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v) : String(v)]));
    try {
      return String(format.format(values));
    } catch {
      // An argument missing: its placeholder stays, as before ICU.
      return simple();
    }
  };
}

/** The BCP 47 locale for dates and numbers in a UI language. */
export function localeOf(lang: UiLanguage): string {
  return lang === "fr" ? "fr-BE" : lang === "nl" ? "nl-BE" : "en-GB";
}

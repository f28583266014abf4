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

export function translator(lang: UiLanguage): Translate {
  const catalogue = catalogues[lang];
  return (key, params) => {
    const template = catalogue[key];
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
  };
}

/** The BCP 47 locale for dates and numbers in a UI language. */
export function localeOf(lang: UiLanguage): string {
  return lang === "fr" ? "fr-BE" : lang === "nl" ? "nl-BE" : "en-GB";
}

/**
 * The best UI language for an Accept-Language header: the highest-weighted of fr, nl, en
 * (by primary subtag: "nl-BE" is Dutch), or French when none matches.
 */
export function negotiateLanguage(header: string | null | undefined): UiLanguage {
  if (!header) return DEFAULT_LANGUAGE;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { primary: tag.trim().toLowerCase().split("-")[0] ?? "", weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  const match = ranked.find((entry) => isUiLanguage(entry.primary));
  return match && isUiLanguage(match.primary) ? match.primary : DEFAULT_LANGUAGE;
}

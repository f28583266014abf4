import Negotiator from "negotiator";
import { DEFAULT_LANGUAGE, isUiLanguage, UI_LANGUAGES, type UiLanguage } from "./index";

/**
 * The best UI language for an Accept-Language header, by `negotiator` (the matcher Express itself
 * uses, RFC 9110 rules): the highest-weighted of fr, nl, en; a regional tag matches its language
 * ("nl-BE" is Dutch); `*` stands for any language not named otherwise; q=0 refuses one. French when
 * nothing matches. Server-only: the browser never negotiates (the page says its language).
 */
export function negotiateLanguage(header: string | null | undefined): UiLanguage {
  if (!header) return DEFAULT_LANGUAGE;
  const [best] = new Negotiator({ headers: { "accept-language": header } }).languages([...UI_LANGUAGES]);
  return isUiLanguage(best) ? best : DEFAULT_LANGUAGE;
}

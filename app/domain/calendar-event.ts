/**
 * One calendar event: a FR/NL pair as the calendar shows it. The server builds it
 * (db/repositories/calendar.ts) and the browser draws it (app/components/calendar).
 */
export interface CalendarEventData {
  id: string;
  /** The scheduled instant, ISO 8601 in UTC. */
  start: string;
  localDate: string;
  localTime: string;
  status: string;
  version: number;
  /** The first words of each language's text; "" where it is missing. */
  texts: { fr: string; nl: string };
  channelIds: string[];
  /** The slugs of the recurring questions the item is tagged with. */
  tags: string[];
  /** The languages whose text is missing (empty or blank). */
  missing: ("fr" | "nl")[];
}

/** The languages of a pair whose text is missing (empty or blank). */
export function missingLanguages(texts: { fr: string; nl: string }): ("fr" | "nl")[] {
  return (["fr", "nl"] as const).filter((lang) => texts[lang].trim() === "");
}

/** The calendar's "missing a language" filter: "" shows all, "any" those missing one, "fr"/"nl" those missing that one. */
export function passesMissingFilter(missing: readonly ("fr" | "nl")[], filter: "" | "any" | "fr" | "nl"): boolean {
  return filter === "" || (filter === "any" ? missing.length > 0 : missing.includes(filter));
}

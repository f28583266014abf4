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

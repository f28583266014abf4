/**
 * One calendar event: a FR/NL pair as the calendar shows it. The server builds it
 * (db/repositories/calendar.ts) and the browser draws it (app/components/calendar).
 */
export interface CalendarEventData {
  id: string;
  /** The scheduled instant, in milliseconds since the epoch. */
  start: number;
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
  /** The first visual's file (its thumbnail is shown), or null. */
  thumb: string | null;
}

/** The languages of a pair whose text is missing (empty or blank). */
export function missingLanguages(texts: { fr: string; nl: string }): ("fr" | "nl")[] {
  return (["fr", "nl"] as const).filter((lang) => texts[lang].trim() === "");
}

/** The calendar's "missing a language" filter: "" shows all, "any" those missing one, "fr"/"nl" those missing that one. */
export function passesMissingFilter(missing: readonly ("fr" | "nl")[], filter: "" | "any" | "fr" | "nl"): boolean {
  return filter === "" || (filter === "any" ? missing.length > 0 : missing.includes(filter));
}

/**
 * The events of a period on the wire: one JSON string of tuples, without keys, with each channel id
 * written once and referred to by its index. A month of a thousand posts is about half the bytes of
 * the same events as objects, and one string goes through Remix's turbo-stream far faster than a
 * thousand nested objects. Which languages are missing is not sent: the browser derives it.
 */
type EventTuple = [id: string, startMs: number, localDate: string, localTime: string, status: string, version: number, fr: string, nl: string, channels: number[], tags: string[], thumb?: string];

export function encodeCalendarEvents(events: readonly Omit<CalendarEventData, "missing">[]): string {
  const channelIndex = new Map<string, number>();
  const tuples: EventTuple[] = events.map((e) => [
    e.id,
    e.start,
    e.localDate,
    e.localTime,
    e.status,
    e.version,
    e.texts.fr,
    e.texts.nl,
    e.channelIds.map((id) => {
      let i = channelIndex.get(id);
      if (i === undefined) channelIndex.set(id, (i = channelIndex.size));
      return i;
    }),
    e.tags,
    ...(e.thumb ? [e.thumb] : []),
  ] as EventTuple);
  return JSON.stringify({ c: [...channelIndex.keys()], e: tuples });
}

export function decodeCalendarEvents(wire: string): CalendarEventData[] {
  const { c: channels, e: tuples } = JSON.parse(wire) as { c: string[]; e: EventTuple[] };
  return tuples.map(([id, startMs, localDate, localTime, status, version, fr, nl, channelIndexes, tags, thumb]) => {
    const texts = { fr, nl };
    return {
      id,
      start: startMs,
      localDate,
      localTime,
      status,
      version,
      texts,
      channelIds: channelIndexes.map((i) => channels[i]!),
      tags,
      missing: missingLanguages(texts),
      thumb: thumb ?? null,
    };
  });
}

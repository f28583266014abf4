/**
 * An iCalendar (RFC 5545) feed of the content calendar: one event per FR/NL pair at its Brussels
 * time, with the Europe/Brussels VTIMEZONE, both texts in the description and a link back to the
 * item; day notes as all-day events. Pure: the feed route reads the rows and writes the result.
 */
import { resolveLocalTime } from "./time/brussels";

export interface FeedItem {
  id: string;
  /** The scheduled instant. */
  start: Date;
  localDate: string;
  localTime: string;
  /** "second" for the second 02:30 of the night the clocks go back. */
  occurrence: "first" | "second";
  status: string;
  version: number;
  updatedAt: Date;
  textFr: string;
  textNl: string;
  channelNames: string[];
  tags: string[];
}

export interface FeedNote {
  id: string;
  localDate: string;
  textFr: string;
  textNl: string;
  version: number;
}

export interface FeedOptions {
  /** The feed's name, shown by calendar clients. */
  name: string;
  /** Which text leads the summary: the subscriber's choice. */
  language: "fr" | "nl";
  /** Where "open in Cadence" links point: PUBLIC_URL. */
  baseUrl: string;
  now: Date;
  /** Translated words the feed uses. */
  labels: { status: (status: string) => string; french: string; dutch: string; channels: string; tags: string; open: string };
  /** How long an event lasts in a client's calendar. */
  durationMinutes?: number;
}

// Europe/Brussels since 1996: CEST from the last Sunday of March 02:00, CET from the last Sunday of October 03:00.
const VTIMEZONE = [
  "BEGIN:VTIMEZONE",
  "TZID:Europe/Brussels",
  "X-LIC-LOCATION:Europe/Brussels",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+0100",
  "TZOFFSETTO:+0200",
  "TZNAME:CEST",
  "DTSTART:19700329T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0200",
  "TZOFFSETTO:+0100",
  "TZNAME:CET",
  "DTSTART:19701025T030000",
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
  "END:STANDARD",
  "END:VTIMEZONE",
];

/** TEXT values: backslash, semicolon, comma and line breaks escaped; control characters dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n?/g, "\n")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\n/g, "\\n");
}

/** Content lines are folded at 75 octets (never inside a UTF-8 character), continued with a space. */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = "";
  let size = 0;
  for (const ch of line) {
    const bytes = encoder.encode(ch).length;
    const limit = parts.length === 0 ? 75 : 74;
    if (size + bytes > limit) {
      parts.push(current);
      current = "";
      size = 0;
    }
    current += ch;
    size += bytes;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

const utc = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const localStamp = (date: string, time: string) => `${date.replace(/-/g, "")}T${time.replace(":", "")}00`;
const nextDay = (date: string) => new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10).replace(/-/g, "");

export function buildCalendarFeed(items: readonly FeedItem[], notes: readonly FeedNote[], options: FeedOptions): string {
  const lines: string[] = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cadence//Content calendar//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"];
  lines.push(`X-WR-CALNAME:${escapeText(options.name)}`, "X-WR-TIMEZONE:Europe/Brussels", "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H");
  lines.push(...VTIMEZONE);
  const stamp = utc(options.now);
  const duration = options.durationMinutes ?? 30;
  for (const item of items) {
    const lead = options.language === "nl" ? item.textNl || item.textFr : item.textFr || item.textNl;
    const firstWords = lead.trim().replace(/\s+/g, " ");
    const summary = `[${options.labels.status(item.status)}] ${firstWords.length > 80 ? `${firstWords.slice(0, 79)}…` : firstWords}`;
    const url = `${options.baseUrl}/items/${item.id}`;
    const description = [
      `${options.labels.french}: ${item.textFr}`,
      `${options.labels.dutch}: ${item.textNl}`,
      item.channelNames.length > 0 ? `${options.labels.channels}: ${item.channelNames.join(", ")}` : "",
      item.tags.length > 0 ? `${options.labels.tags}: ${item.tags.join(", ")}` : "",
      `${options.labels.open}: ${url}`,
    ]
      .filter(Boolean)
      .join("\n");
    lines.push("BEGIN:VEVENT", `UID:item-${item.id}@cadence`, `DTSTAMP:${stamp}`);
    // A wall-clock time that happens twice (the October night the clocks go back) is given in UTC:
    // RFC 5545 says the first, but clients do not agree, and the second must be exact too.
    const wall = resolveLocalTime(item.localDate, item.localTime);
    if (item.occurrence === "second" || (wall.ok && wall.ambiguous)) lines.push(`DTSTART:${utc(item.start)}`);
    else lines.push(`DTSTART;TZID=Europe/Brussels:${localStamp(item.localDate, item.localTime)}`);
    lines.push(`DURATION:PT${duration}M`, `SEQUENCE:${item.version}`, `LAST-MODIFIED:${utc(item.updatedAt)}`);
    lines.push(`SUMMARY:${escapeText(summary)}`, `DESCRIPTION:${escapeText(description)}`, `URL:${url}`, `CATEGORIES:${escapeText(options.labels.status(item.status))}`);
    lines.push("TRANSP:TRANSPARENT", "END:VEVENT");
  }
  for (const note of notes) {
    const text = options.language === "nl" ? note.textNl || note.textFr : note.textFr || note.textNl;
    lines.push("BEGIN:VEVENT", `UID:note-${note.id}@cadence`, `DTSTAMP:${stamp}`);
    lines.push(`DTSTART;VALUE=DATE:${note.localDate.replace(/-/g, "")}`, `DTEND;VALUE=DATE:${nextDay(note.localDate)}`, `SEQUENCE:${note.version}`);
    lines.push(`SUMMARY:${escapeText(`◆ ${text}`)}`, `DESCRIPTION:${escapeText(`${options.labels.french}: ${note.textFr}\n${options.labels.dutch}: ${note.textNl}`)}`);
    lines.push("TRANSP:TRANSPARENT", "END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}

import { DateTime, IANAZone } from "luxon";

/**
 * Europe/Brussels with its UTC offsets remembered. luxon asks Intl for the offset of every instant it
 * handles (formatToParts, some microseconds each); a month grid handles tens of thousands. Since 1970
 * Brussels has changed offset only on whole quarter hours of UTC, so one answer per quarter hour is
 * exact. Older instants are asked every time.
 */
class RememberingZone extends IANAZone {
  private readonly known = new Map<number, number>();

  override offset(ts: number): number {
    if (!(ts >= 0)) return super.offset(ts);
    const quarter = Math.floor(ts / 900_000);
    let minutes = this.known.get(quarter);
    if (minutes === undefined) {
      minutes = super.offset(quarter * 900_000);
      if (this.known.size > 50_000) this.known.clear();
      this.known.set(quarter, minutes);
    }
    return minutes;
  }
}

/** The one zone Cadence plans in. Every wall-clock value in the product is a Brussels one. */
export const BRUSSELS_ZONE: IANAZone = new RememberingZone("Europe/Brussels");
/** Its IANA name, for Intl and for the database. */
export const BRUSSELS_ZONE_NAME = "Europe/Brussels";

/** A Brussels calendar date, `yyyy-MM-dd`. */
export type LocalDate = string;
/** A Brussels wall-clock time, `HH:mm`. */
export type LocalTime = string;
/** Which of the two instants an ambiguous wall-clock time (the autumn fold) means. */
export type Occurrence = "first" | "second";

export interface LocalDateTime {
  localDate: LocalDate;
  localTime: LocalTime;
}

export type ResolvedLocalTime =
  | {
      ok: true;
      /** The UTC instant. */
      scheduledAt: Date;
      localDate: LocalDate;
      localTime: LocalTime;
      /** True when this wall-clock time happens twice that day (the October fold). */
      ambiguous: boolean;
      occurrence: Occurrence;
      /** UTC offset in minutes at that instant: 60 (CET) or 120 (CEST). */
      offsetMinutes: number;
    }
  | { ok: false; reason: "invalid" }
  | {
      ok: false;
      reason: "nonexistent";
      /** The first wall-clock time that exists after the gap (02:30 on spring-forward day → 03:00). */
      proposal: LocalDateTime;
    };

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;

function parseWallClock(localDate: string, localTime: string): DateTime | null {
  const d = DATE_RE.exec(localDate);
  const t = TIME_RE.exec(localTime);
  if (!d || !t) return null;
  const wall = DateTime.fromObject(
    { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]), hour: Number(t[1]), minute: Number(t[2]) },
    { zone: "utc" },
  );
  if (!wall.isValid) return null;
  // fromObject rolls 2026-02-30 over silently in some paths; refuse anything that does not round-trip.
  if (wall.toFormat("yyyy-MM-dd") !== localDate || wall.toFormat("HH:mm") !== localTime) return null;
  return wall;
}

/**
 * Every UTC instant whose Brussels wall clock reads `wall` (given as a UTC DateTime whose
 * fields are the wall-clock fields). Zero instants: a spring-forward gap. Two: an autumn fold.
 */
function instantsForWallClock(wall: DateTime): DateTime[] {
  const offsets = new Set<number>();
  for (const probeHours of [-26, -3, 0, 3, 26]) {
    offsets.add(wall.plus({ hours: probeHours }).setZone(BRUSSELS_ZONE).offset);
  }
  const found: DateTime[] = [];
  for (const offset of offsets) {
    const candidate = wall.minus({ minutes: offset });
    const local = candidate.setZone(BRUSSELS_ZONE);
    if (local.toFormat("yyyy-MM-dd HH:mm") === wall.toFormat("yyyy-MM-dd HH:mm")) {
      found.push(candidate);
    }
  }
  return found.sort((a, b) => a.toMillis() - b.toMillis());
}

/**
 * Turns the Brussels date and time a person chose into the instant to publish at.
 * A nonexistent time (the March gap) is refused with the first valid time after it; an
 * ambiguous one (the October fold) means the first occurrence unless `occurrence: "second"`.
 */
export function resolveLocalTime(
  localDate: string,
  localTime: string,
  options: { occurrence?: Occurrence } = {},
): ResolvedLocalTime {
  const wall = parseWallClock(localDate, localTime);
  if (!wall) return { ok: false, reason: "invalid" };
  const instants = instantsForWallClock(wall);
  if (instants.length === 0) {
    let probe = wall;
    for (let minutes = 1; minutes <= 24 * 60; minutes++) {
      probe = wall.plus({ minutes });
      if (instantsForWallClock(probe).length > 0) break;
    }
    return {
      ok: false,
      reason: "nonexistent",
      proposal: { localDate: probe.toFormat("yyyy-MM-dd"), localTime: probe.toFormat("HH:mm") },
    };
  }
  const occurrence: Occurrence = options.occurrence === "second" && instants.length > 1 ? "second" : "first";
  const chosen = (occurrence === "second" ? instants[1] : instants[0]) as DateTime;
  return {
    ok: true,
    scheduledAt: chosen.toJSDate(),
    localDate,
    localTime,
    ambiguous: instants.length > 1,
    occurrence,
    offsetMinutes: chosen.setZone(BRUSSELS_ZONE).offset,
  };
}

/** The Brussels wall clock of a UTC instant. */
export function toBrusselsLocal(instant: Date): LocalDateTime {
  const local = DateTime.fromJSDate(instant, { zone: BRUSSELS_ZONE });
  return { localDate: local.toFormat("yyyy-MM-dd"), localTime: local.toFormat("HH:mm") };
}

/** The Brussels calendar date of an instant. */
export function brusselsDateOf(instant: Date): LocalDate {
  return toBrusselsLocal(instant).localDate;
}

/** The half-open UTC range [start, end) covering a Brussels month, `yyyy-MM`. */
export function brusselsMonthRange(month: string): { start: Date; end: Date } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return null;
  const start = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: BRUSSELS_ZONE });
  if (!start.isValid) return null;
  return { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate() };
}

/** The month `delta` months after (or before) a `yyyy-MM` month. */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The Brussels month `yyyy-MM` that contains an instant. */
export function brusselsMonthOf(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: BRUSSELS_ZONE }).toFormat("yyyy-MM");
}

/** Every date of a Brussels month, in order. */
export function datesOfMonth(month: string): LocalDate[] {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return [];
  const first = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: "utc" });
  const dates: LocalDate[] = [];
  for (let day = first; day.month === first.month; day = day.plus({ days: 1 })) {
    dates.push(day.toFormat("yyyy-MM-dd"));
  }
  return dates;
}

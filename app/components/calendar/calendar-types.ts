/** What the calendar route hands to the calendar component (JSON from the loader). */
export interface CalendarEventData {
  id: string;
  start: string;
  localDate: string;
  localTime: string;
  status: string;
  version: number;
  texts: { fr: string; nl: string };
  channelIds: string[];
  tags: string[];
  missing: ("fr" | "nl")[];
}

export interface CalendarChannel {
  id: string;
  name: string;
  network: string;
  language: string;
}

export interface CalendarQuestion {
  id: string;
  slug: string;
  labelFr: string;
  labelNl: string;
}

/** The move endpoint's answer (see app/services/content-items.server.ts, MoveResult). */
export type MoveAnswer =
  | { ok: true; item: { id: string; localDate: string; localTime: string; version: number; scheduledAt: string } }
  | { ok: false; error: "not_found" | "forbidden" }
  | { ok: false; error: "refused"; refusal: { reason: string; proposal?: { localDate: string; localTime: string } }; current: { localDate: string; localTime: string; version: number } }
  | { ok: false; error: "conflict"; conflict: { byName: string; at: string; current: { localDate: string; localTime: string; version: number } } };

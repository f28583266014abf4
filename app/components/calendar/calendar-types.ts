export type { CalendarEventData } from "../../domain/calendar-event";

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

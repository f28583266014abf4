import type { Translate } from "../../i18n";
import type { MoveAnswer } from "./calendar-types";

/** The sentence a person reads after a refused move, in their language. */
export function moveRefusalMessage(t: Translate, answer: Exclude<MoveAnswer, { ok: true }>, formatTime: (iso: string) => string): string {
  switch (answer.error) {
    case "conflict":
      return `${t("item.conflict")} ${t("item.conflictBy", { name: answer.conflict.byName || "?", time: formatTime(answer.conflict.at) })}`;
    case "refused": {
      const r = answer.refusal;
      if (r.reason === "past") return `${t("calendar.moveRefused")} ${t("schedule.past")}`;
      if (r.reason === "fixed") return `${t("calendar.moveRefused")} ${t("schedule.fixed")}`;
      if (r.reason === "nonexistent" && r.proposal) return `${t("calendar.moveRefused")} ${t("schedule.nonexistent", { time: r.proposal.localTime })}`;
      return `${t("calendar.moveRefused")} ${t("validation.date")}`;
    }
    case "forbidden":
      return t("error.forbidden.body");
    default:
      return t("error.unexpected.body");
  }
}

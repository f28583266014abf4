import { Form, Link } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { canArchive, canDelete } from "../../domain/item-schedule";
import { resolveLocalTime } from "../../domain/time/brussels";
import { useT } from "../../i18n/react";
import { StatusBadge } from "../status-badge";
import type { CalendarChannel, CalendarEventData } from "./calendar-types";

/**
 * The selected item's details and actions, usable with the keyboard alone: "Move to…" with a date
 * and a time field is the alternative to dragging (WCAG 2.2, 2.5.7).
 */
export function ItemPanel(props: {
  event: CalendarEventData;
  description: string;
  channels: CalendarChannel[];
  canMove: boolean;
  canWrite: boolean;
  here: string;
  onClose: () => void;
  onMove: (localDate: string, localTime: string, occurrence?: string) => Promise<boolean>;
}) {
  const t = useT();
  const e = props.event;
  const heading = useRef<HTMLHeadingElement>(null);
  const [date, setDate] = useState(e.localDate);
  const [time, setTime] = useState(e.localTime);
  const [occurrence, setOccurrence] = useState<"first" | "second">("first");
  const [busy, setBusy] = useState(false);
  const resolved = resolveLocalTime(date, time);
  const ambiguous = resolved.ok && resolved.ambiguous;
  const movable = props.canMove && !["published", "partly_failed", "archived"].includes(e.status);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  return (
    <section
      className="item-panel"
      aria-labelledby="item-panel-title"
      onKeyDown={(ev) => {
        if (ev.key === "Escape") props.onClose();
      }}
    >
      <div className="item-panel-head">
        <h2 id="item-panel-title" tabIndex={-1} ref={heading}>
          {t("item.panel.title", { date: e.localDate, time: e.localTime })}
        </h2>
        <button type="button" className="link-button" onClick={props.onClose}>
          {t("item.close")}
        </button>
      </div>
      <p>
        <StatusBadge status={e.status} />
      </p>
      <p className="item-panel-text" lang="fr">
        {e.texts.fr || t("calendar.missing.fr")}
      </p>
      <p className="item-panel-text" lang="nl">
        {e.texts.nl || t("calendar.missing.nl")}
      </p>
      <p className="hint">{props.description}</p>
      <p className="item-panel-links">
        {props.canWrite ? <Link to={`/items/${e.id}?back=${encodeURIComponent(props.here)}`}>{t("item.edit")}</Link> : null}{" "}
        <Link to={`/items/${e.id}/history?back=${encodeURIComponent(props.here)}`}>{t("item.history")}</Link>
      </p>

      {movable ? (
        <form
          className="move-form"
          onSubmit={(ev) => {
            ev.preventDefault();
            setBusy(true);
            void props.onMove(date, time, ambiguous ? occurrence : undefined).finally(() => setBusy(false));
          }}
        >
          <fieldset>
            <legend>{t("calendar.moveTo")}</legend>
            <label htmlFor="move-date">{t("item.field.date")}</label>
            <input id="move-date" type="date" required value={date} onChange={(ev) => setDate(ev.target.value)} />
            <label htmlFor="move-time">{t("item.field.time")}</label>
            <input id="move-time" type="time" required step={60} value={time} onChange={(ev) => setTime(ev.target.value.slice(0, 5))} />
            {!resolved.ok && resolved.reason === "nonexistent" ? (
              <p className="field-error" role="alert">
                {t("schedule.nonexistent", { time: resolved.proposal.localTime })}
              </p>
            ) : null}
            {ambiguous ? (
              <div role="radiogroup" aria-label={t("schedule.occurrence")}>
                <p>{t("schedule.occurrence")}</p>
                <label className="checkbox">
                  <input type="radio" name="occurrence" value="first" checked={occurrence === "first"} onChange={() => setOccurrence("first")} /> {t("schedule.first")}
                </label>
                <label className="checkbox">
                  <input type="radio" name="occurrence" value="second" checked={occurrence === "second"} onChange={() => setOccurrence("second")} /> {t("schedule.second")}
                </label>
              </div>
            ) : null}
            <button type="submit" disabled={busy}>
              {t("calendar.move.submit")}
            </button>
          </fieldset>
        </form>
      ) : null}

      {props.canWrite ? (
        <Form method="post" action={`/items/${e.id}`} className="duplicate-form">
          <input type="hidden" name="intent" value="duplicate" />
          <input type="hidden" name="back" value={props.here} />
          <fieldset>
            <legend>{t("item.duplicate")}</legend>
            <label htmlFor="duplicate-date">{t("item.field.date")}</label>
            <input id="duplicate-date" name="localDate" type="date" required defaultValue={e.localDate} />
            <button type="submit">{t("item.duplicate.submit")}</button>
          </fieldset>
        </Form>
      ) : null}

      {props.canWrite && (canDelete(e.status) || canArchive(e.status)) ? (
        <Form
          method="post"
          action={`/items/${e.id}`}
          onSubmit={(ev) => {
            if (canDelete(e.status) && !window.confirm(t("item.deleteConfirm"))) ev.preventDefault();
          }}
        >
          <input type="hidden" name="intent" value={canDelete(e.status) ? "delete" : "archive"} />
          <input type="hidden" name="version" value={e.version} />
          <input type="hidden" name="back" value={props.here} />
          <button type="submit" className="danger">
            {canDelete(e.status) ? t("item.delete") : t("item.archive")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

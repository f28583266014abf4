import { Form } from "@remix-run/react";
import { useLang, useT } from "../../i18n/react";

/** The period's day notes ("Tax-on-web opens"), and for editors the forms to add, edit and delete them. */
export function DayNotesEditor(props: {
  notes: { id: string; localDate: string; textFr: string; textNl: string; version: number }[];
  canWrite: boolean;
  defaultDate: string;
  here: string;
}) {
  const t = useT();
  const lang = useLang();
  return (
    <section aria-labelledby="day-notes-title" className="card day-notes-editor">
      <h2 id="day-notes-title">{t("dayNote.title")}</h2>
      <ul className="day-notes">
        {props.notes.map((n) => (
          <li key={n.id}>
            <strong>{n.localDate}</strong> — {lang === "nl" ? n.textNl : n.textFr}
            {props.canWrite ? (
              <details>
                <summary>{t("dayNote.edit", { date: n.localDate })}</summary>
                <Form method="post" action="/day-notes" className="note-form">
                  <input type="hidden" name="intent" value="save" />
                  <input type="hidden" name="id" value={n.id} />
                  <input type="hidden" name="version" value={n.version} />
                  <input type="hidden" name="back" value={props.here} />
                  <NoteFields idPrefix={`note-${n.id}`} date={n.localDate} textFr={n.textFr} textNl={n.textNl} />
                  <button type="submit">{t("dayNote.save")}</button>
                </Form>
                <Form method="post" action="/day-notes">
                  <input type="hidden" name="intent" value="delete" />
                  <input type="hidden" name="id" value={n.id} />
                  <input type="hidden" name="back" value={props.here} />
                  <button type="submit" className="danger">
                    {t("dayNote.delete")}
                  </button>
                </Form>
              </details>
            ) : null}
          </li>
        ))}
      </ul>
      {props.canWrite ? (
        <details>
          <summary>{t("dayNote.add")}</summary>
          <Form method="post" action="/day-notes" className="note-form">
            <input type="hidden" name="intent" value="save" />
            <input type="hidden" name="back" value={props.here} />
            <NoteFields idPrefix="note-new" date={props.defaultDate} textFr="" textNl="" />
            <button type="submit">{t("dayNote.save")}</button>
          </Form>
        </details>
      ) : null}
    </section>
  );
}

function NoteFields(props: { idPrefix: string; date: string; textFr: string; textNl: string }) {
  const t = useT();
  return (
    <>
      <div className="field">
        <label htmlFor={`${props.idPrefix}-date`}>{t("dayNote.date")}</label>
        <input id={`${props.idPrefix}-date`} name="localDate" type="date" required defaultValue={props.date} />
      </div>
      <div className="field">
        <label htmlFor={`${props.idPrefix}-fr`}>{t("dayNote.textFr")}</label>
        <input id={`${props.idPrefix}-fr`} name="textFr" lang="fr" required maxLength={500} defaultValue={props.textFr} />
      </div>
      <div className="field">
        <label htmlFor={`${props.idPrefix}-nl`}>{t("dayNote.textNl")}</label>
        <input id={`${props.idPrefix}-nl`} name="textNl" lang="nl" required maxLength={500} defaultValue={props.textNl} />
      </div>
    </>
  );
}

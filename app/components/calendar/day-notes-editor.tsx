import { useFetcher } from "@remix-run/react";
import type { MessageKey } from "../../i18n";
import { useLang, useT } from "../../i18n/react";

interface DayNote {
  id: string;
  localDate: string;
  textFr: string;
  textNl: string;
  version: number;
}

/** What /day-notes answers a form that could not be saved: the messages per field. */
export interface DayNoteFormErrors {
  ok: false;
  errors: Record<string, { key: MessageKey; params?: Record<string, string | number> }>;
}

/** The period's day notes ("Tax-on-web opens"), and for editors the forms to add, edit and delete them. */
export function DayNotesEditor(props: { notes: DayNote[]; canWrite: boolean; defaultDate: string; here: string }) {
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
                <NoteForm key={`${n.id}-${n.version}`} note={n} here={props.here} />
                <DeleteNote id={n.id} here={props.here} />
              </details>
            ) : null}
          </li>
        ))}
      </ul>
      {props.canWrite ? (
        <details>
          <summary>{t("dayNote.add")}</summary>
          <NoteForm key={`new-${props.notes.length}`} note={{ id: "", localDate: props.defaultDate, textFr: "", textNl: "", version: 0 }} here={props.here} />
        </details>
      ) : null}
    </section>
  );
}

/**
 * One note's form. It posts through a fetcher: when the server refuses it, the messages appear next to
 * the fields and what was typed stays there; when it is saved, the calendar reloads with the note.
 */
function NoteForm(props: { note: DayNote; here: string }) {
  const t = useT();
  const fetcher = useFetcher<DayNoteFormErrors>();
  const errors = fetcher.data && fetcher.data.ok === false ? fetcher.data.errors : {};
  const idPrefix = props.note.id ? `note-${props.note.id}` : "note-new";
  const message = (field: string) => {
    const e = errors[field];
    return e ? (
      <p className="field-error" id={`${idPrefix}-${field}-error`}>
        {t(e.key, e.params)}
      </p>
    ) : null;
  };
  const described = (field: string) => (errors[field] ? `${idPrefix}-${field}-error` : undefined);
  return (
    <fetcher.Form method="post" action="/day-notes" className="note-form">
      <input type="hidden" name="intent" value="save" />
      {props.note.id ? <input type="hidden" name="id" value={props.note.id} /> : null}
      {props.note.id ? <input type="hidden" name="version" value={props.note.version} /> : null}
      <input type="hidden" name="back" value={props.here} />
      {errors._form ? (
        <p role="alert" className="form-error">
          {t(errors._form.key, errors._form.params)}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${idPrefix}-date`}>{t("dayNote.date")}</label>
        <input id={`${idPrefix}-date`} name="localDate" type="date" required defaultValue={props.note.localDate} aria-invalid={!!errors.localDate} aria-describedby={described("localDate")} />
        {message("localDate")}
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-fr`}>{t("dayNote.textFr")}</label>
        <input id={`${idPrefix}-fr`} name="textFr" lang="fr" required maxLength={500} defaultValue={props.note.textFr} aria-invalid={!!errors.textFr} aria-describedby={described("textFr")} />
        {message("textFr")}
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-nl`}>{t("dayNote.textNl")}</label>
        <input id={`${idPrefix}-nl`} name="textNl" lang="nl" required maxLength={500} defaultValue={props.note.textNl} aria-invalid={!!errors.textNl} aria-describedby={described("textNl")} />
        {message("textNl")}
      </div>
      <button type="submit" disabled={fetcher.state !== "idle"}>
        {t("dayNote.save")}
      </button>
    </fetcher.Form>
  );
}

function DeleteNote(props: { id: string; here: string }) {
  const t = useT();
  const fetcher = useFetcher<DayNoteFormErrors>();
  const error = fetcher.data && fetcher.data.ok === false ? fetcher.data.errors._form : undefined;
  return (
    <fetcher.Form method="post" action="/day-notes">
      <input type="hidden" name="intent" value="delete" />
      <input type="hidden" name="id" value={props.id} />
      <input type="hidden" name="back" value={props.here} />
      {error ? (
        <p role="alert" className="form-error">
          {t(error.key, error.params)}
        </p>
      ) : null}
      <button type="submit" className="danger" disabled={fetcher.state !== "idle"}>
        {t("dayNote.delete")}
      </button>
    </fetcher.Form>
  );
}

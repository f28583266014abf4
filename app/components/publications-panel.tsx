import { useFetcher } from "@remix-run/react";
import type { MessageKey } from "../i18n";
import { useT } from "../i18n/react";

export interface PublicationView {
  id: string;
  channelName: string;
  network: string;
  languages: string;
  state: string;
  /** Brussels date and time, as shown. */
  due: string;
  sent: string | null;
  remoteUrl: string | null;
  attempts: number;
  nextAttempt: string | null;
  errorCode: string | null;
  error: string | null;
}

export const PUBLICATION_ICONS: Record<string, string> = { scheduled: "◷", sending: "➚", published: "✓", failed: "✕", unconfirmed: "?", cancelled: "—" };

/** A publication's error in plain words: the reason in the user's language, the network's own words beside. */
export function usePublishError() {
  const t = useT();
  return (code: string | null, detail: string | null) => (code ? `${t(`publishError.${code}` as MessageKey)}${detail ? ` (${detail})` : ""}` : "");
}

function Action(props: { id: string; action: "retry" | "cancel" | "confirm"; label: string; withUrl?: boolean }) {
  const t = useT();
  const fetcher = useFetcher<{ ok: false; key: MessageKey }>();
  return (
    <fetcher.Form method="post" action={`/publications/${props.id}`} className="publication-action">
      <input type="hidden" name="action" value={props.action} />
      {props.withUrl ? (
        <>
          <label htmlFor={`url-${props.id}`} className="visually-hidden">
            {t("publication.liveUrl")}
          </label>
          <input id={`url-${props.id}`} name="remoteUrl" type="url" placeholder={t("publication.liveUrl")} />
        </>
      ) : null}
      <button type="submit" className={props.action === "cancel" ? "danger" : "secondary"} disabled={fetcher.state !== "idle"}>
        {props.label}
      </button>
      {fetcher.data && fetcher.data.ok === false ? (
        <span role="alert" className="field-error">
          {t(fetcher.data.key)}
        </span>
      ) : null}
    </fetcher.Form>
  );
}

/** Per channel: state, time sent, the live post, the error in plain words, and what a person can do. */
export function PublicationsPanel({ publications, canManage }: { publications: PublicationView[]; canManage: boolean }) {
  const t = useT();
  const errorText = usePublishError();
  return (
    <section aria-labelledby="publications-title" className="card publications-panel">
      <h2 id="publications-title">{t("publication.title")}</h2>
      {publications.length === 0 ? (
        <p className="hint">{t("publication.none")}</p>
      ) : (
        <table className="work-table">
          <thead>
            <tr>
              <th scope="col">{t("bulk.channels")}</th>
              <th scope="col">{t("review.state")}</th>
              <th scope="col">{t("publication.when")}</th>
              <th scope="col">{t("review.note")}</th>
              {canManage ? <th scope="col">{t("publication.actions")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {publications.map((p) => (
              <tr key={p.id} data-testid={`publication-${p.network}`}>
                <th scope="row">
                  {p.channelName} <span className="hint">({p.languages.split("+").map((l) => t(`language.${l as "fr" | "nl"}`)).join(" + ")})</span>
                </th>
                <td>
                  <span className={`publication-state publication-${p.state}`}>
                    <span aria-hidden="true">{PUBLICATION_ICONS[p.state] ?? "•"}</span> {t(`publicationState.${p.state}` as MessageKey)}
                  </span>
                </td>
                <td>
                  {p.sent ? t("publication.sentAt", { time: p.sent }) : t("publication.dueAt", { time: p.due })}
                  {p.nextAttempt && p.state === "scheduled" && p.attempts > 0 ? <p className="hint">{t("publication.nextAttempt", { time: p.nextAttempt, attempts: p.attempts })}</p> : null}
                </td>
                <td>
                  {p.remoteUrl ? (
                    <a href={p.remoteUrl} rel="noreferrer" target="_blank">
                      {t("publication.open")}
                    </a>
                  ) : null}
                  {p.errorCode ? <span className={p.state === "published" ? "hint" : "field-error"}> {errorText(p.errorCode, p.error)}</span> : null}
                </td>
                {canManage ? (
                  <td>
                    {p.state === "failed" || p.state === "unconfirmed" ? <Action id={p.id} action="retry" label={t("publication.retry")} /> : null}
                    {p.state === "failed" || p.state === "unconfirmed" ? <Action id={p.id} action="confirm" label={t("publication.confirm")} withUrl /> : null}
                    {p.state === "scheduled" || p.state === "failed" || p.state === "unconfirmed" ? <Action id={p.id} action="cancel" label={t("publication.cancel")} /> : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

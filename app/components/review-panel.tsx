import { Link, useFetcher } from "@remix-run/react";
import type { ReactNode } from "react";
import type { ParityReason, VariantState } from "../domain/pairing";
import type { MessageKey } from "../i18n";
import { useT } from "../i18n/react";

export interface ReviewPanelData {
  itemId: string;
  version: number;
  back: string;
  languages: { language: "fr" | "nl" | "de"; state: VariantState; rejectionComment: string | null; isSource: boolean }[];
  reasons: ParityReason[];
  publishable: boolean;
  planning: boolean;
  exception: { language: "fr" | "nl"; reason: string; status: string } | null;
  /** `at`: the Brussels date and time, as shown. */
  comments: { id: string; authorName: string; body: string; createdAt: string; at: string }[];
  deadline: string;
  germanEnabled: boolean;
  channelNames: Record<string, string>;
  can: { write: boolean; translate: boolean; approve: boolean; comment: boolean };
  approveRefusal: "forbidden" | "ownItem" | null;
}

export const STATE_ICONS: Record<VariantState, string> = { missing: "∅", stale: "⟳", draft: "✎", submitted: "◑", approved: "✓", rejected: "↩" };

/** A variant's state by icon and name, never by colour alone. */
export function VariantStateBadge({ state }: { state: VariantState }) {
  const t = useT();
  return (
    <span className={`variant-state variant-${state}`}>
      <span aria-hidden="true">{STATE_ICONS[state]}</span> {t(`variantState.${state}`)}
    </span>
  );
}

/** One parity reason in words. */
export function useReasonText(channelNames: Record<string, string>) {
  const t = useT();
  return (r: ParityReason): string => {
    switch (r.code) {
      case "language.missing":
      case "language.stale":
      case "language.notApproved":
        return t(`parity.${r.code}`, { language: t(`languageIn.${r.language}`) });
      case "channel.none":
        return t("parity.channel.none", { language: t(`languageIn.${r.language}`) });
      case "channel.otherLanguage":
        return t("parity.channel.otherLanguage", { channel: channelNames[r.channelId] ?? "?" });
      case "channel.tooLong":
        return t("parity.channel.tooLong", { channel: channelNames[r.channelId] ?? "?", length: r.length, limit: r.limit });
      case "exception.pending":
        return t("parity.exception.pending");
      case "channel.noVisuals":
        return t("parity.channel.noVisuals", { channel: channelNames[r.channelId] ?? "?" });
      case "visual.altMissing":
      case "visual.twinMissing":
      case "visual.sharedMissing":
        return t(`parity.${r.code}`, { language: t(`languageIn.${r.language}`), position: r.position + 1 });
      case "visual.altTooLong":
        return t("parity.visual.altTooLong", { language: t(`languageIn.${r.language}`), position: r.position + 1, limit: r.limit });
      case "visual.tooMany":
        return t("parity.visual.tooMany", { language: t(`languageIn.${r.language}`), limit: r.limit });
      case "visual.videoAlone":
      case "visual.missingInLanguage":
        return t(`parity.${r.code}`, { language: t(`languageIn.${r.language}`) });
      case "media.videoRequired":
      case "media.noImages":
      case "media.noVideos":
        return t(`parity.${r.code}`, { channel: channelNames[r.channelId] ?? "?" });
      case "media.tooManyImages":
        return t("parity.media.tooManyImages", { channel: channelNames[r.channelId] ?? "?", count: r.count, limit: r.limit });
      case "media.videoTooLarge":
        return t("parity.media.videoTooLarge", { channel: channelNames[r.channelId] ?? "?", mb: r.mb, limit: r.limit });
      case "media.videoTooLong":
      case "media.videoTooShort":
        return t(`parity.${r.code}`, { channel: channelNames[r.channelId] ?? "?", seconds: r.seconds, limit: r.limit });
      case "media.videoAspect":
        return t("parity.media.videoAspect", { channel: channelNames[r.channelId] ?? "?", ratio: r.ratio, min: r.min, max: r.max });
      case "media.videoFormat":
        return t("parity.media.videoFormat", { channel: channelNames[r.channelId] ?? "?", format: r.format, formats: r.formats });
      case "media.altTooLong":
        return t("parity.media.altTooLong", { channel: channelNames[r.channelId] ?? "?", position: r.position + 1, length: r.length, limit: r.limit });
    }
  };
}

/** A form posted to the item's review endpoint, showing the server's refusal next to its button. */
function ReviewForm(props: { data: ReviewPanelData; intent: string; children: ReactNode; className?: string }) {
  const t = useT();
  const fetcher = useFetcher<{ ok: false; key: MessageKey; params?: Record<string, string | number> }>();
  const error = fetcher.data && fetcher.data.ok === false ? fetcher.data : null;
  return (
    <fetcher.Form method="post" action={`/items/${props.data.itemId}/review?back=${encodeURIComponent(props.data.back)}`} className={props.className ?? "review-form"}>
      <input type="hidden" name="intent" value={props.intent} />
      <input type="hidden" name="version" value={props.data.version} />
      {error ? (
        <p role="alert" className="form-error">
          {t(error.key, error.params)}
        </p>
      ) : null}
      <fieldset disabled={fetcher.state !== "idle"} className="plain">
        {props.children}
      </fieldset>
    </fetcher.Form>
  );
}

/** The item's review: each language's state, why it cannot go out yet, the actions of each role, and the discussion. */
export function ReviewPanel({ data }: { data: ReviewPanelData }) {
  const t = useT();
  const reasonText = useReasonText(data.channelNames);
  const anyToSubmit = data.languages.some((l) => l.state === "draft" || l.state === "rejected");
  const submittable = data.planning && anyToSubmit && (data.can.write || data.can.translate);
  const approvable = data.planning && data.can.approve && data.languages.some((l) => l.state === "submitted");
  return (
    <section id="review" aria-labelledby="review-title" className="card review-panel">
      <h2 id="review-title">{t("review.title")}</h2>
      <table className="review-languages">
        <caption className="visually-hidden">{t("review.languages")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("review.language")}</th>
            <th scope="col">{t("review.state")}</th>
            <th scope="col">{t("review.note")}</th>
          </tr>
        </thead>
        <tbody>
          {data.languages.map((l) => (
            <tr key={l.language} data-testid={`review-${l.language}`}>
              <th scope="row">
                {t(`language.${l.language}`)}
                {l.isSource ? ` (${t("review.source")})` : ""}
              </th>
              <td>
                <VariantStateBadge state={l.state} />
              </td>
              <td>
                {l.rejectionComment ? <span className="rejection">{t("review.rejectedBecause", { comment: l.rejectionComment })} </span> : null}
                {!l.isSource && data.planning && data.can.translate && l.state !== "approved" ? (
                  <Link to={`/items/${data.itemId}/translate/${l.language}?back=${encodeURIComponent(data.back)}`}>
                    {l.state === "missing" ? t("review.translate") : l.state === "stale" ? t("review.updateTranslation") : t("review.editTranslation")}
                  </Link>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">{t("review.deadline", { date: data.deadline })}</p>

      {data.publishable ? (
        <p className="form-ok" data-testid="publishable">
          ✓ {t("review.publishable")}
        </p>
      ) : (
        <div className="form-warn" data-testid="not-publishable">
          <p>{t("review.notPublishable")}</p>
          <ul>
            {data.reasons.map((r, i) => (
              <li key={i}>{reasonText(r)}</li>
            ))}
          </ul>
        </div>
      )}

      <div className="review-actions">
        {submittable ? (
          <ReviewForm data={data} intent="submit">
            <button type="submit">{t("review.submit")}</button>
          </ReviewForm>
        ) : null}
        {approvable ? (
          data.approveRefusal === "ownItem" ? (
            <p className="hint">{t("review.ownItem")}</p>
          ) : (
            <>
              <ReviewForm data={data} intent="approve">
                <button type="submit">{t("review.approve")}</button>
              </ReviewForm>
              <ReviewForm data={data} intent="reject" className="review-form reject-form">
                <div className="field">
                  <label htmlFor="reject-comment">{t("review.rejectComment")}</label>
                  <textarea id="reject-comment" name="comment" rows={2} maxLength={4000} />
                </div>
                <div className="field">
                  <label htmlFor="reject-language">{t("review.rejectWhich")}</label>
                  <select id="reject-language" name="language" defaultValue="">
                    <option value="">{t("review.rejectAll")}</option>
                    {data.languages.map((l) => (
                      <option key={l.language} value={l.language}>
                        {t(`language.${l.language}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit" className="danger">
                  {t("review.reject")}
                </button>
              </ReviewForm>
            </>
          )
        ) : null}
        {data.planning && data.can.write ? (
          <ReviewForm data={data} intent="german">
            <input type="hidden" name="enabled" value={data.germanEnabled ? "0" : "1"} />
            <button type="submit" className="secondary">
              {data.germanEnabled ? t("review.germanOff") : t("review.germanOn")}
            </button>
          </ReviewForm>
        ) : null}
      </div>

      <h3>{t("exception.title")}</h3>
      {data.exception ? (
        <div className="exception" data-testid="exception">
          <p>
            {t(data.exception.status === "approved" ? "exception.approved" : "exception.requested", { language: t(`languageIn.${data.exception.language}`) })}
          </p>
          <blockquote>{data.exception.reason}</blockquote>
          {data.exception.status === "requested" && data.can.approve ? (
            <ReviewForm data={data} intent="exception-decide">
              <div className="field">
                <label htmlFor="exception-comment">{t("exception.comment")}</label>
                <textarea id="exception-comment" name="comment" rows={2} maxLength={2000} />
              </div>
              <button type="submit" name="decision" value="approve">
                {t("exception.approve")}
              </button>{" "}
              <button type="submit" name="decision" value="reject" className="danger">
                {t("exception.reject")}
              </button>
            </ReviewForm>
          ) : null}
          {data.can.write && data.planning ? (
            <ReviewForm data={data} intent="exception-withdraw">
              <button type="submit" className="secondary">
                {t("exception.withdraw")}
              </button>
            </ReviewForm>
          ) : null}
        </div>
      ) : data.can.write && data.planning ? (
        <details>
          <summary>{t("exception.ask")}</summary>
          <ReviewForm data={data} intent="exception-request">
            <p className="hint">{t("exception.explain")}</p>
            <div className="field">
              <label htmlFor="exception-language">{t("exception.language")}</label>
              <select id="exception-language" name="language" defaultValue="fr">
                <option value="fr">{t("language.fr")}</option>
                <option value="nl">{t("language.nl")}</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="exception-reason">{t("exception.reason")}</label>
              <textarea id="exception-reason" name="reason" rows={3} maxLength={2000} />
            </div>
            <button type="submit">{t("exception.submit")}</button>
          </ReviewForm>
        </details>
      ) : (
        <p className="hint">{t("exception.none")}</p>
      )}

      <h3>{t("comments.title")}</h3>
      {data.comments.length === 0 ? <p className="hint">{t("comments.none")}</p> : null}
      <ol className="comments">
        {data.comments.map((c) => (
          <li key={c.id}>
            <p className="comment-meta">
              <strong>{c.authorName}</strong> · <time dateTime={c.createdAt}>{c.at}</time>
            </p>
            <p className="comment-body">{c.body}</p>
          </li>
        ))}
      </ol>
      {data.can.comment ? (
        <ReviewForm data={data} intent="comment">
          <div className="field">
            <label htmlFor="comment-body">{t("comments.add")}</label>
            <textarea id="comment-body" name="body" rows={2} maxLength={4000} />
          </div>
          <button type="submit">{t("comments.post")}</button>
        </ReviewForm>
      ) : null}
    </section>
  );
}

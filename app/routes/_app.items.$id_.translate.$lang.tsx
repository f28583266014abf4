import { readForm } from "../services/validation.server";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useFieldErrors } from "../components/field-errors";
import { VariantStateBadge } from "../components/review-panel";
import type { MessageKey } from "../i18n";
import { useT } from "../i18n/react";
import { saveTranslation } from "../services/review.server";
import { translationView } from "../services/review-queues.server";
import { requirePermission, safeRedirectTarget } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "variant.translate");
  const view = await translationView(context.app, params.id ?? "", params.lang ?? "");
  if (!view) throw new Response("Not Found", { status: 404 });
  const back = safeRedirectTarget(new URL(request.url).searchParams.get("back"), "/work");
  return { view, back };
}

const str = (v: FormDataEntryValue | undefined): string => (typeof v === "string" ? v : "");

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(context.app, request, "variant.translate");
  const form = Object.fromEntries(await readForm(request));
  const back = safeRedirectTarget(form.back, "/work");
  const result = await saveTranslation(context.app, user, params.id ?? "", params.lang ?? "", form);
  if (result.ok) throw redirect(`/items/${params.id ?? ""}?review=${form.submit === "1" ? "submit" : "saved"}&back=${encodeURIComponent(back)}#review`);
  const errors: Record<string, { key: MessageKey; params?: Record<string, string | number> }> =
    result.key === "validation" && "errors" in result ? result.errors : { _form: { key: result.key, params: "params" in result ? result.params : undefined } };
  return json({ errors, values: { text: str(form.text), link: str(form.link), alt: str(form.alt) } }, { status: 400 });
}

/** The translator's editor: the source on the left, read-only; the translation on the right. */
export default function Translate() {
  const { view, back } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const values = failed?.values ?? view.target;
  const errors = failed?.errors ?? {};
  const { message: error, invalid } = useFieldErrors(errors);
  return (
    <div className="translate-page">
      <h1>{t("translate.title", { language: t(`languageIn.${view.language}`) })}</h1>
      <p>
        {t("translate.when", { date: view.localDate, time: view.localTime })} · {t("review.deadline", { date: view.deadline })} · <VariantStateBadge state={view.target.state} />
      </p>
      {view.target.rejectionComment ? (
        <p className="form-warn" role="status">
          {t("review.rejectedBecause", { comment: view.target.rejectionComment })}
        </p>
      ) : null}
      {errors._form ? (
        <p role="alert" className="form-error">
          {t(errors._form.key, errors._form.params)}
        </p>
      ) : null}
      {view.sourceChanges ? (
        <section className="card source-changes" aria-labelledby="changes-title">
          <h2 id="changes-title">{t("translate.changes")}</h2>
          <p className="diff" lang={view.sourceLanguage} data-testid="source-diff">
            {view.sourceChanges.map((part, i) =>
              part.kind === "same" ? (
                <span key={i}>{part.text}</span>
              ) : part.kind === "added" ? (
                <ins key={i}>
                  <span className="visually-hidden">[{t("translate.added")}] </span>
                  {part.text}
                </ins>
              ) : (
                <del key={i}>
                  <span className="visually-hidden">[{t("translate.removed")}] </span>
                  {part.text}
                </del>
              ),
            )}
          </p>
        </section>
      ) : null}
      <Form method="post" className="language-columns" noValidate>
        <input type="hidden" name="version" value={view.version} />
        <input type="hidden" name="back" value={back} />
        <section className="language-column source-column" lang={view.sourceLanguage} aria-labelledby="source-title">
          <h2 id="source-title">{t("translate.source", { language: t(`language.${view.sourceLanguage}`) })}</h2>
          <p className="source-text" data-testid="source-text">
            {view.source.text}
          </p>
          {view.source.link ? <p>{t("item.field.link")}: {view.source.link}</p> : null}
          {view.source.alt ? <p>{t("item.field.alt")}: {view.source.alt}</p> : null}
          {view.source.visuals.length > 0 ? (
            <div data-testid="source-visuals">
              <h3>{t("visuals.title")}</h3>
              <ol className="visual-list">
                {view.source.visuals.map((v, i) => (
                  <li key={`${v.hash}-${i}`} className="visual-row">
                    <img src={v.thumbUrl} alt={v.alt} width={120} />
                    <span>{v.alt || t("translate.visualNoAlt")}</span>
                    {v.containsText ? (
                      <strong className={view.target.visuals[i] && view.target.visuals[i].hash !== v.hash ? undefined : "form-warn"}>
                        {view.target.visuals[i] && view.target.visuals[i].hash !== v.hash ? t("translate.twinDone", { position: i + 1 }) : t("translate.twinNeeded", { position: i + 1 })}
                      </strong>
                    ) : v.sameInBothLanguages ? (
                      <span className="hint">{t("translate.visualShared")}</span>
                    ) : null}
                  </li>
                ))}
              </ol>
              <p>
                <Link to={`/items/${view.itemId}?back=${encodeURIComponent(back)}#visuals-title`}>{t("translate.visualsHere", { language: t(`languageIn.${view.language}`) })}</Link>
              </p>
            </div>
          ) : null}
        </section>
        <fieldset className="language-column" lang={view.language}>
          <legend>{t(`language.${view.language}`)}</legend>
          <div className="field">
            <label htmlFor="text">{t("item.field.text")}</label>
            <textarea id="text" name="text" rows={8} defaultValue={values.text} {...invalid("text")} />
            {error("text")}
          </div>
          <div className="field">
            <label htmlFor="link">{t("item.field.link")}</label>
            <input id="link" name="link" type="url" inputMode="url" defaultValue={values.link} {...invalid("link")} />
            {error("link")}
          </div>
          <div className="field">
            <label htmlFor="alt">{t("item.field.alt")}</label>
            <input id="alt" name="alt" maxLength={1000} defaultValue={values.alt} {...invalid("alt")} />
            {error("alt")}
          </div>
          <div className="form-actions">
            <button type="submit" name="submit" value="1">
              {t("translate.saveAndSubmit")}
            </button>{" "}
            <button type="submit" name="submit" value="0" className="secondary">
              {t("translate.saveDraft")}
            </button>{" "}
            <Link to={`/items/${view.itemId}?back=${encodeURIComponent(back)}`}>{t("translate.backToItem")}</Link>
          </div>
        </fieldset>
      </Form>
    </div>
  );
}

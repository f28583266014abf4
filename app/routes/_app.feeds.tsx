import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useFieldErrors } from "../components/field-errors";
import { OneTimeSecret, SecretsTable } from "../components/one-time-secret";
import type { MessageKey } from "../i18n";
import { useT } from "../i18n/react";
import { createFeed, feedChannels, listFeeds, revokeFeed } from "../services/feeds.server";
import { requirePermission } from "../services/session.server";
import { formToObject, readForm } from "../services/validation.server";
import { CALENDAR_STATUSES } from "../domain/pairing";

export const meta: MetaFunction = () => [{ title: "Cadence" }];


export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "plan.read");
  return { feeds: await listFeeds(context.app, user), channels: await feedChannels(context.app), uiLanguage: user.ui_language };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context.app, request, "plan.read");
  const form = await readForm(request);
  if (form.get("intent") === "revoke") {
    const id = form.get("id");
    await revokeFeed(context.app, user, typeof id === "string" ? id : "");
    throw redirect("/feeds?revoked=1");
  }
  const values = formToObject(form, ["channelIds", "statuses"]);
  const result = await createFeed(context.app, user, values);
  if (!result.ok) return json({ ok: false as const, errors: result.errors, values }, { status: 400 });
  return json({ ok: true as const, url: `${context.app.config.publicUrl}/feeds/${result.token}/calendar.ics` });
}

/** Each user's private calendar feeds: create one with filters, copy its address once, revoke it. */
export default function Feeds() {
  const { feeds, channels, uiLanguage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const errors = result && !result.ok ? result.errors : {};
  const { message, invalid } = useFieldErrors(errors);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  return (
    <div className="feeds-page">
      <h1>{t("feeds.title")}</h1>
      <p className="hint">{t("feeds.intro")}</p>
      {params.get("revoked") ? (
        <p role="status" className="form-ok">
          {t("feeds.revokedDone")}
        </p>
      ) : null}
      {result?.ok ? <OneTimeSecret message={t("feeds.created")} label={t("feeds.address")} value={result.url} testId="feed-url" /> : null}

      <section className="card" aria-labelledby="new-feed">
        <h2 id="new-feed">{t("feeds.new")}</h2>
        <Form method="post">
          <div className="field">
            <label htmlFor="feed-name">{t("feeds.field.name")}</label>
            <input id="feed-name" name="name" required maxLength={80} {...invalid("name")} />
            {message("name")}
          </div>
          <div className="field">
            <label htmlFor="feed-language">{t("feeds.field.language")}</label>
            <select id="feed-language" name="language" defaultValue={uiLanguage === "nl" ? "nl" : "fr"}>
              <option value="fr">{t("language.fr")}</option>
              <option value="nl">{t("language.nl")}</option>
            </select>
          </div>
          <fieldset className="field">
            <legend>{t("feeds.field.channels")}</legend>
            {channels.map((c) => (
              <label key={c.id} className="checkbox">
                <input type="checkbox" name="channelIds" value={c.id} /> {c.name}
              </label>
            ))}
          </fieldset>
          <fieldset className="field">
            <legend>{t("feeds.field.statuses")}</legend>
            {CALENDAR_STATUSES.map((s) => (
              <label key={s} className="checkbox">
                <input type="checkbox" name="statuses" value={s} /> {t(`status.${s}` as MessageKey)}
              </label>
            ))}
          </fieldset>
          <button type="submit" name="intent" value="create">
            {t("feeds.create")}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="feed-list">
        <h2 id="feed-list">{t("feeds.list")}</h2>
        {feeds.length === 0 ? (
          <p className="hint">{t("feeds.none")}</p>
        ) : (
          <SecretsTable
            columns={{ name: t("feeds.col.name"), detail: t("feeds.col.filters"), lastUsed: t("feeds.col.lastUsed"), state: t("feeds.col.state") }}
            revokeLabel={t("feeds.revoke")}
            rows={feeds.map((f) => ({
              ...f,
              detail: `${t(`language.${f.language}` as MessageKey)} · ${
                f.channelIds.length > 0 ? f.channelIds.map((id) => channelName.get(id) ?? "?").join(", ") : t("feeds.all")
              } · ${f.statuses.length > 0 ? f.statuses.map((s) => t(`status.${s}` as MessageKey)).join(", ") : t("feeds.all")}`,
            }))}
          />
        )}
      </section>
    </div>
  );
}

import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useFieldErrors, type FormErrors } from "../components/field-errors";
import type { MessageKey } from "../i18n";
import { useT } from "../i18n/react";
import { oauthAvailable } from "../services/channel-oauth.server";
import { CREDENTIAL_FIELDS, channelsForAdmin, saveChannel, testChannelConnection } from "../services/channels.server";
import { requirePermission } from "../services/session.server";
import { formToObject, readForm } from "../services/validation.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

const NETWORKS = ["x", "facebook", "linkedin", "mastodon", "bluesky", "youtube", "webhook", "outbox"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "channels.manage");
  return {
    channels: await channelsForAdmin(context.app),
    fields: CREDENTIAL_FIELDS,
    oauth: { x: oauthAvailable(context.app, "x"), linkedin: oauthAvailable(context.app, "linkedin"), facebook: oauthAvailable(context.app, "facebook") },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context.app, request, "channels.manage");
  const form = formToObject(await readForm(request));
  if (form.intent === "test") {
    const result = await testChannelConnection(context.app, user, typeof form.id === "string" ? form.id : "");
    return json({ kind: "test" as const, id: form.id, result });
  }
  const result = await saveChannel(context.app, user, form);
  if (!result.ok) return json({ kind: "save" as const, id: form.id, errors: result.errors, values: form }, { status: 400 });
  return json({ kind: "saved" as const, id: result.id });
}

/**
 * The channels: add one, edit it, enter its credentials (stored encrypted, never shown again), and
 * test the connection.
 */
export default function Channels() {
  const { channels, fields, oauth } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const t = useT();
  const [params] = useSearchParams();
  const oauthProblem = params.get("oauth");
  const failedNew = answer?.kind === "save" && !answer.id ? answer : null;
  const { message, invalid } = useFieldErrors(failedNew?.errors ?? {});
  const value = (name: string) => (failedNew && typeof failedNew.values[name] === "string" ? failedNew.values[name] : "");
  return (
    <div className="channels-page">
      <h1>{t("channels.title")}</h1>
      {params.get("connected") ? (
        <p role="status" className="form-ok">
          {t("channels.connected")}
        </p>
      ) : null}
      {oauthProblem ? (
        <p role="alert" className="form-error">
          {t((oauthProblem.startsWith("channels.") || oauthProblem.startsWith("error.") ? oauthProblem : "channels.oauthRefused") as MessageKey)}
          {params.get("detail") ? ` (${params.get("detail")})` : ""}
        </p>
      ) : null}
      {answer?.kind === "saved" ? (
        <p role="status" className="form-ok">
          {t("channels.saved")}
        </p>
      ) : null}
      <table className="work-table">
        <thead>
          <tr>
            <th scope="col">{t("channels.name")}</th>
            <th scope="col">{t("channels.network")}</th>
            <th scope="col">{t("channels.language")}</th>
            <th scope="col">{t("review.state")}</th>
            <th scope="col">{t("publication.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {channels.map((c) => {
            const tested = answer?.kind === "test" && answer.id === c.id ? answer.result : null;
            const failed = answer?.kind === "save" && answer.id === c.id ? answer : null;
            return (
              <tr key={c.id} data-testid={`channel-${c.name}`}>
                <th scope="row">
                  {c.name} <span className="hint">{c.handle}</span>
                </th>
                <td>
                  {t(`network.${c.network}` as MessageKey)}
                  {c.network === "youtube" ? <p className="hint">{t("channels.youtube")}</p> : null}
                </td>
                <td>{c.language === "bilingual" ? t("channels.bilingual") : t(`language.${c.language}`)}</td>
                <td>
                  {c.active ? t("channels.active") : t("channels.inactive")} · {c.hasCredentials ? t("channels.credentialsStored") : t("channels.noCredentials")}
                  {c.needsReconnect ? <p className="field-error">{t("channels.needsReconnect", { reason: c.reconnectReason ?? "" })}</p> : null}
                </td>
                <td>
                  {(c.network === "x" && oauth.x) || (c.network === "linkedin" && oauth.linkedin) || (c.network === "facebook" && oauth.facebook) ? (
                    <a className="button" href={`/admin/channels/${c.id}/connect`}>
                      {t("channels.connect", { network: t(`network.${c.network}` as MessageKey) })}
                    </a>
                  ) : null}
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="test" />
                    <input type="hidden" name="id" value={c.id} />
                    <button type="submit" className="secondary">
                      {t("channels.test")}
                    </button>
                  </Form>
                  {tested ? (
                    <p role="status" className={tested.ok ? "form-ok" : "field-error"}>
                      {tested.ok ? t("channels.testOk", { account: tested.account }) : `${t(tested.key)}${tested.detail ? ` (${tested.detail})` : ""}`}
                    </p>
                  ) : null}
                  <details>
                    <summary>{t("channels.edit", { name: c.name })}</summary>
                    <Form method="post" className="note-form">
                      <input type="hidden" name="intent" value="save" />
                      <input type="hidden" name="id" value={c.id} />
                      <input type="hidden" name="version" value={c.version} />
                      <input type="hidden" name="network" value={c.network} />
                      <input type="hidden" name="language" value={c.language} />
                      {failed?.errors._form ? (
                        <p role="alert" className="form-error">
                          {t(failed.errors._form.key)}
                        </p>
                      ) : null}
                      <ChannelFields prefix={`c-${c.id}`} network={c.network} fields={fields[c.network]} defaults={{ name: c.name, handle: c.handle, baseUrl: c.baseUrl, active: c.active, trackLinks: c.trackLinks }} errors={failed?.errors ?? {}} />
                      <button type="submit">{t("channels.save")}</button>
                    </Form>
                  </details>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <section className="card" aria-labelledby="new-channel-title">
        <h2 id="new-channel-title">{t("channels.add")}</h2>
        {failedNew?.errors._form ? (
          <p role="alert" className="form-error">
            {t(failedNew.errors._form.key)}
          </p>
        ) : null}
        <Form method="post" className="note-form">
          <input type="hidden" name="intent" value="save" />
          <div className="field">
            <label htmlFor="new-network">{t("channels.network")}</label>
            <select id="new-network" name="network" defaultValue={value("network") || "mastodon"} {...invalid("network")}>
              {NETWORKS.map((n) => (
                <option key={n} value={n}>
                  {t(`network.${n}` as MessageKey)}
                </option>
              ))}
            </select>
            {message("network")}
          </div>
          <div className="field">
            <label htmlFor="new-language">{t("channels.language")}</label>
            <select id="new-language" name="language" defaultValue={value("language") || "fr"}>
              <option value="fr">{t("language.fr")}</option>
              <option value="nl">{t("language.nl")}</option>
              <option value="bilingual">{t("channels.bilingual")}</option>
            </select>
          </div>
          <ChannelFields prefix="new" network={null} fields={[...new Set(Object.values(fields).flat())]} defaults={{ name: value("name"), handle: value("handle"), baseUrl: value("baseUrl"), active: true, trackLinks: false }} errors={failedNew?.errors ?? {}} />
          <p className="hint">{t("channels.credentialsHint")}</p>
          <button type="submit">{t("channels.add")}</button>
        </Form>
      </section>
    </div>
  );
}

function ChannelFields(props: { prefix: string; network: string | null; fields: string[]; defaults: { name: string; handle: string; baseUrl: string; active: boolean; trackLinks: boolean }; errors: FormErrors }) {
  const t = useT();
  const ids = (f: string) => `${props.prefix}-${f}`;
  const err = (f: string) =>
    props.errors[f] ? (
      <p className="field-error" id={`${ids(f)}-error`}>
        {t(props.errors[f].key, props.errors[f].params)}
      </p>
    ) : null;
  return (
    <>
      <div className="field">
        <label htmlFor={ids("name")}>{t("channels.name")}</label>
        <input id={ids("name")} name="name" required maxLength={120} defaultValue={props.defaults.name} aria-invalid={props.errors.name ? true : undefined} />
        {err("name")}
      </div>
      <div className="field">
        <label htmlFor={ids("handle")}>{t("channels.handle")}</label>
        <input id={ids("handle")} name="handle" maxLength={200} defaultValue={props.defaults.handle} />
      </div>
      <div className="field">
        <label htmlFor={ids("baseUrl")}>{t("channels.baseUrl")}</label>
        <input id={ids("baseUrl")} name="baseUrl" type="url" maxLength={500} defaultValue={props.defaults.baseUrl} aria-invalid={props.errors.baseUrl ? true : undefined} />
        {err("baseUrl")}
      </div>
      <label className="checkbox">
        <input type="checkbox" name="active" defaultChecked={props.defaults.active} /> {t("channels.active")}
      </label>
      <label className="checkbox">
        <input type="checkbox" name="trackLinks" defaultChecked={props.defaults.trackLinks} /> {t("channels.trackLinks")}
      </label>
      {props.fields.length > 0 ? (
        <fieldset>
          <legend>{props.network ? t("channels.newCredentials") : t("channels.credentials")}</legend>
          {props.fields.map((f) => (
            <div className="field" key={f}>
              <label htmlFor={ids(`cred-${f}`)}>{t(`channels.cred.${f}` as MessageKey)}</label>
              <input id={ids(`cred-${f}`)} name={`cred_${f}`} type={["pageId", "appId", "author", "identifier", "version", "clientId", "expiresAt"].includes(f) ? "text" : "password"} autoComplete="off" />
            </div>
          ))}
        </fieldset>
      ) : null}
    </>
  );
}

import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useFieldErrors } from "../components/field-errors";
import { useT } from "../i18n/react";
import { requirePermission } from "../services/session.server";
import { teamSettings, updateTeamSettings } from "../services/settings.server";
import { listChannels } from "../../db/repositories/channels";
import { formToObject, readForm } from "../services/validation.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "settings.manage");
  const [settings, channels] = await Promise.all([teamSettings(context.app.db), listChannels(context.app.db, { activeOnly: true })]);
  return { settings, channels: channels.map((c) => ({ id: c.id, name: c.name })) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context.app, request, "settings.manage");
  const form = formToObject(await readForm(request), ["replyApprovalChannels"]);
  const result = await updateTeamSettings(context.app, user, form);
  if (!result.ok) return json({ errors: result.errors, values: form }, { status: 400 });
  throw redirect("/admin/settings?saved=1");
}

/** The team's rules: four eyes, the bilingual order, the translation deadline. Every change is audited. */
export default function Settings() {
  const { settings, channels } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const errors = failed?.errors ?? {};
  const values = failed?.values;
  const { message: error } = useFieldErrors(errors);
  return (
    <div className="settings-page">
      <h1>{t("settings.title")}</h1>
      {params.get("saved") ? (
        <p role="status" className="form-ok">
          {t("settings.saved")}
        </p>
      ) : null}
      {errors._form ? (
        <p role="alert" className="form-error">
          {t(errors._form.key)}
        </p>
      ) : null}
      <Form method="post" className="card settings-form">
        <fieldset>
          <legend>{t("settings.fourEyes")}</legend>
          <label className="checkbox">
            <input type="checkbox" name="fourEyesRelaxed" defaultChecked={values ? values.fourEyesRelaxed === "on" : settings.fourEyesRelaxed} />{" "}
            {t("settings.fourEyesRelaxed")}
          </label>
          <p className="hint">{t("settings.fourEyesHint")}</p>
        </fieldset>
        <div className="field">
          <label htmlFor="bilingualOrder">{t("settings.bilingualOrder")}</label>
          <select id="bilingualOrder" name="bilingualOrder" defaultValue={typeof values?.bilingualOrder === "string" ? values.bilingualOrder : settings.bilingualOrder}>
            <option value="fr-nl">{t("settings.order.fr-nl")}</option>
            <option value="nl-fr">{t("settings.order.nl-fr")}</option>
          </select>
          {error("bilingualOrder")}
        </div>
        <div className="field">
          <label htmlFor="translationDeadlineDays">{t("settings.deadlineDays")}</label>
          <input
            id="translationDeadlineDays"
            name="translationDeadlineDays"
            type="number"
            min={0}
            max={20}
            defaultValue={typeof values?.translationDeadlineDays === "string" ? values.translationDeadlineDays : settings.translationDeadlineDays}
            aria-invalid={errors.translationDeadlineDays ? true : undefined}
            aria-describedby={errors.translationDeadlineDays ? "err-translationDeadlineDays" : "deadline-hint"}
          />
          <p className="hint" id="deadline-hint">
            {t("settings.deadlineHint")}
          </p>
          {error("translationDeadlineDays")}
        </div>
        <fieldset>
          <legend>{t("settings.replyApproval")}</legend>
          <p className="hint" id="approval-hint">
            {t("settings.replyApprovalHint")}
          </p>
          <div className="field">
            <label htmlFor="replyApprovalWords">{t("settings.replyApprovalWords")}</label>
            <textarea
              id="replyApprovalWords"
              name="replyApprovalWords"
              rows={4}
              defaultValue={typeof values?.replyApprovalWords === "string" ? values.replyApprovalWords : settings.replyApprovalWords.join("\n")}
              aria-invalid={errors.replyApprovalWords ? true : undefined}
              aria-describedby={errors.replyApprovalWords ? "err-replyApprovalWords approval-hint" : "approval-hint"}
            />
            {error("replyApprovalWords")}
          </div>
          {channels.length > 0 ? (
            <fieldset>
              <legend>{t("settings.replyApprovalChannels")}</legend>
              {channels.map((c) => (
                <label key={c.id} className="checkbox">
                  <input
                    type="checkbox"
                    name="replyApprovalChannels"
                    value={c.id}
                    defaultChecked={Array.isArray(values?.replyApprovalChannels) ? values.replyApprovalChannels.includes(c.id) : settings.replyApprovalChannels.includes(c.id)}
                  />{" "}
                  {c.name}
                </label>
              ))}
            </fieldset>
          ) : null}
        </fieldset>
        <fieldset>
          <legend>{t("settings.watch")}</legend>
          <div className="field">
            <label htmlFor="watchTerms">{t("settings.watchTerms")}</label>
            <textarea
              id="watchTerms"
              name="watchTerms"
              rows={3}
              defaultValue={typeof values?.watchTerms === "string" ? values.watchTerms : settings.watchTerms.join("\n")}
              aria-invalid={errors.watchTerms ? true : undefined}
              aria-describedby={errors.watchTerms ? "err-watchTerms watch-hint" : "watch-hint"}
            />
            <p className="hint" id="watch-hint">
              {t("settings.watchHint")}
            </p>
            {error("watchTerms")}
          </div>
        </fieldset>
        <button type="submit">{t("settings.save")}</button>
      </Form>
    </div>
  );
}

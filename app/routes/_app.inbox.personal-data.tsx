import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useT } from "../i18n/react";
import { eraseCitizenData } from "../services/inbox.server";
import { requirePermission } from "../services/session.server";
import { readForm, refusalStatus } from "../services/validation.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "inbox.personalData");
  return { months: context.app.config.inboxRetentionMonths };
}

/** An erasure request, confirmed, removes a citizen's messages (the export is /inbox/personal-data/export). */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = context.app;
  const user = await requirePermission(ctx, request, "inbox.personalData");
  const form = Object.fromEntries(await readForm(request));
  const result = await eraseCitizenData(ctx, user, form);
  if (!result.ok) return json({ ok: false as const, key: result.key }, { status: refusalStatus(result.key) });
  return json({ ok: true as const, conversations: result.conversations, messages: result.messages });
}

export default function PersonalDataPage() {
  const { months } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="personal-data-page">
      <h1>{t("personal.title")}</h1>
      <p className="hint">{t("personal.intro", { months })}</p>
      {result ? (
        <p role={result.ok ? "status" : "alert"} className={result.ok ? "form-ok" : "form-error"} data-testid="personal-result">
          {result.ok ? t("personal.erased", { messages: result.messages, conversations: result.conversations }) : t(result.key)}
        </p>
      ) : null}
      <Form method="post" reloadDocument className="card">
        <div className="field">
          <label htmlFor="citizen-handle">{t("personal.handle")}</label>
          <input id="citizen-handle" name="handle" required autoComplete="off" />
        </div>
        <p>
          <button type="submit" formAction="/inbox/personal-data/export">
            {t("personal.export")}
          </button>
        </p>
        <label className="checkbox">
          <input type="checkbox" name="confirm" value="yes" /> {t("personal.confirm")}
        </label>
        <p>
          <button type="submit" name="intent" value="erase">
            {t("personal.erase")}
          </button>
        </p>
      </Form>
    </div>
  );
}

import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useFieldErrors } from "../components/field-errors";
import { OneTimeSecret, SecretsTable } from "../components/one-time-secret";
import { useT } from "../i18n/react";
import { createApiToken, listTokens, revokeTokenOf } from "../services/api.server";
import { requirePermission } from "../services/session.server";
import { formToObject, readForm } from "../services/validation.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "plan.read");
  return { tokens: await listTokens(context.app, user) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context.app, request, "plan.read");
  const form = await readForm(request);
  if (form.get("intent") === "revoke") {
    const id = form.get("id");
    await revokeTokenOf(context.app, user, typeof id === "string" ? id : "");
    throw redirect("/tokens?revoked=1");
  }
  const result = await createApiToken(context.app, user, formToObject(form));
  if (!result.ok) return json({ ok: false as const, errors: result.errors }, { status: 400 });
  return json({ ok: true as const, token: result.token });
}

/** Each user's personal API tokens: create one (read, or read and write), copy it once, revoke it. */
export default function Tokens() {
  const { tokens } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const { message, invalid } = useFieldErrors(result && !result.ok ? result.errors : {});
  return (
    <div className="tokens-page">
      <h1>{t("tokens.title")}</h1>
      <p className="hint">{t("tokens.intro")}</p>
      {params.get("revoked") ? (
        <p role="status" className="form-ok">
          {t("tokens.revokedDone")}
        </p>
      ) : null}
      {result?.ok ? <OneTimeSecret message={t("tokens.created")} label={t("tokens.token")} value={result.token} testId="token-value" /> : null}
      <section className="card" aria-labelledby="new-token">
        <h2 id="new-token">{t("tokens.new")}</h2>
        <Form method="post">
          <div className="field">
            <label htmlFor="token-name">{t("tokens.field.name")}</label>
            <input id="token-name" name="name" required maxLength={80} {...invalid("name")} />
            {message("name")}
          </div>
          <div className="field">
            <label htmlFor="token-scope">{t("tokens.field.scope")}</label>
            <select id="token-scope" name="scope" defaultValue="read">
              <option value="read">{t("tokens.scope.read")}</option>
              <option value="write">{t("tokens.scope.write")}</option>
            </select>
          </div>
          <button type="submit" name="intent" value="create">
            {t("tokens.create")}
          </button>
        </Form>
      </section>
      <section className="card" aria-labelledby="token-list">
        <h2 id="token-list">{t("tokens.list")}</h2>
        {tokens.length === 0 ? (
          <p className="hint">{t("tokens.none")}</p>
        ) : (
          <SecretsTable
            columns={{ name: t("tokens.col.name"), detail: t("tokens.col.scope"), lastUsed: t("tokens.col.lastUsed"), state: t("tokens.col.state") }}
            revokeLabel={t("tokens.revoke")}
            rows={tokens.map((k) => ({ ...k, detail: t(k.scope === "write" ? "tokens.scope.write" : "tokens.scope.read") }))}
          />
        )}
      </section>
    </div>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ROLES, isRole } from "../domain/permissions";
import { UI_LANGUAGES, isUiLanguage, type MessageKey } from "../i18n";
import { useT } from "../i18n/react";
import { requirePermission } from "../services/session.server";
import { allUsers, createUser } from "../services/users.server";
import { formToObject, type FieldErrors, readForm } from "../services/validation.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "users.manage");
  const users = await allUsers(context.app);
  return {
    users: users.map((u) => ({ id: u.id, displayName: u.display_name, email: u.email, roles: u.roles, uiLanguage: u.ui_language, active: u.active, sso: u.oidc_subject !== null })),
    ssoOn: context.app.config.oidc !== null,
  };
}

type ActionData = { ok: true; createdName: string } | { ok: false; errors: FieldErrors; values: Record<string, unknown> };

export async function action({ request, context }: ActionFunctionArgs): Promise<ActionData> {
  const actor = await requirePermission(context.app, request, "users.manage");
  const values = formToObject(await readForm(request), ["roles"]);
  const result = await createUser(context.app, { id: actor.id, label: actor.display_name }, values);
  if (!result.ok) {
    const { password: _omit, ...safeValues } = values;
    return { ok: false, errors: result.errors, values: safeValues };
  }
  return { ok: true, createdName: result.user.display_name };
}

export default function AdminUsers() {
  const { users, ssoOn } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const errors = data && !data.ok ? data.errors : {};
  const values = data && !data.ok ? data.values : {};
  const text = (name: string, fallback = "") => (typeof values[name] === "string" ? values[name] : fallback);
  const err = (field: string) => {
    const e = errors[field];
    return e ? t(e.key, e.params) : null;
  };
  const field = (name: string, label: MessageKey, input: JSX.Element) => (
    <div className="field">
      <label htmlFor={`user-${name}`}>{t(label)}</label>
      {input}
      {err(name) ? (
        <p className="field-error" id={`user-${name}-error`}>
          {err(name)}
        </p>
      ) : null}
    </div>
  );
  const described = (name: string) => (errors[name] ? { "aria-invalid": true, "aria-describedby": `user-${name}-error` } : {});
  const previousRoles = Array.isArray(values.roles) ? (values.roles as string[]) : [];
  return (
    <div className="admin-users">
      <h1>{t("users.title")}</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("users.column.name")}</th>
            <th scope="col">{t("users.column.email")}</th>
            <th scope="col">{t("users.column.roles")}</th>
            <th scope="col">{t("users.column.language")}</th>
            <th scope="col">{t("users.column.active")}</th>
            <th scope="col">{t("users.column.signIn")}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.displayName}</td>
              <td>{u.email}</td>
              <td>{u.roles.map((r) => (isRole(r) ? t(`role.${r}`) : r)).join(", ")}</td>
              <td>{isUiLanguage(u.uiLanguage) ? t(`lang.${u.uiLanguage}`) : u.uiLanguage}</td>
              <td>{u.active ? t("users.active.yes") : t("users.active.no")}</td>
              <td>{u.sso ? t("users.signIn.sso") : t("users.signIn.password")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {ssoOn ? <p className="hint">{t("users.ssoHint")}</p> : null}

      <section aria-labelledby="create-user-title" className="card">
        <h2 id="create-user-title">{t("users.create.title")}</h2>
        {data?.ok ? <p role="status">{t("users.create.done", { name: data.createdName })}</p> : null}
        {data && !data.ok ? (
          <p role="alert" className="form-error">
            {t("form.errorSummary")}
          </p>
        ) : null}
        <Form method="post" noValidate>
          {field(
            "displayName",
            "users.create.name",
            <input id="user-displayName" name="displayName" defaultValue={text("displayName")} {...described("displayName")} />,
          )}
          {field(
            "email",
            "users.create.email",
            <input id="user-email" name="email" type="email" defaultValue={text("email")} {...described("email")} />,
          )}
          {field(
            "password",
            "users.create.password",
            <input id="user-password" name="password" type="password" autoComplete="new-password" {...described("password")} />,
          )}
          <fieldset className="field" {...described("roles")}>
            <legend>{t("users.create.roles")}</legend>
            {ROLES.map((role) => (
              <label key={role} className="checkbox">
                <input type="checkbox" name="roles" value={role} defaultChecked={previousRoles.includes(role)} /> {t(`role.${role}`)}
              </label>
            ))}
            {err("roles") ? (
              <p className="field-error" id="user-roles-error">
                {err("roles")}
              </p>
            ) : null}
          </fieldset>
          {field(
            "uiLanguage",
            "users.create.language",
            <select id="user-uiLanguage" name="uiLanguage" defaultValue={text("uiLanguage", "fr")} {...described("uiLanguage")}>
              {UI_LANGUAGES.map((code) => (
                <option key={code} value={code}>
                  {t(`lang.${code}`)}
                </option>
              ))}
            </select>,
          )}
          <button type="submit" disabled={busy}>
            {t("users.create.submit")}
          </button>
        </Form>
      </section>
    </div>
  );
}

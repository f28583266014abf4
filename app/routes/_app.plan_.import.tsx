import { readForm } from "../services/validation.server";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import type { MessageKey } from "../i18n";
import { useT } from "../i18n/react";
import { requirePermission } from "../services/session.server";
import { importPlan, readPlanFile, type PlanChange, type PlanImportError } from "../services/spreadsheet.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

const MAX_UPLOAD = 5 * 1024 * 1024;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "item.write");
  return null;
}

type ActionData = { error: MessageKey } | { errors: PlanImportError[] } | { preview: PlanChange[]; grid: string };

/** Upload → every row checked, a preview, nothing written; confirm → the same rows, written in one transaction or not at all. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context.app, request, "item.write");
  if (Number(request.headers.get("content-length") ?? 0) > MAX_UPLOAD) return json<ActionData>({ error: "questions.import.tooLarge" }, { status: 413 });
  const form = await readForm(request);
  let grid: string[][] | null = null;
  if (form.get("intent") === "confirm") {
    try {
      const raw = form.get("grid");
      const parsed: unknown = JSON.parse(typeof raw === "string" ? raw : "null");
      grid = Array.isArray(parsed) && parsed.every((r) => Array.isArray(r) && r.every((c) => typeof c === "string")) ? (parsed) : null;
    } catch {
      grid = null;
    }
  } else {
    const file = form.get("file");
    if (!file || typeof file === "string" || file.size === 0) return json<ActionData>({ error: "questions.import.noFile" }, { status: 400 });
    grid = await readPlanFile(file.name, Buffer.from(await file.arrayBuffer()));
  }
  if (!grid) return json<ActionData>({ error: "plan.import.unreadable" }, { status: 400 });
  const commit = form.get("intent") === "confirm";
  const result = await importPlan(context.app, user, grid, { commit });
  if (!result.ok) return json<ActionData>({ errors: result.errors }, { status: 400 });
  if (commit) {
    const count = (a: PlanChange["action"]) => result.changes.filter((c) => c.action === a).length;
    throw redirect(`/plan/import?created=${count("create")}&changed=${count("change")}${count("history") > 0 ? `&history=${count("history")}` : ""}`);
  }
  return json<ActionData>({ preview: result.changes, grid: JSON.stringify(grid) });
}

export default function PlanImport() {
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const t = useT();
  const preview = data && "preview" in data ? data : null;
  const count = (a: PlanChange["action"]) => preview?.preview.filter((c) => c.action === a).length ?? 0;
  return (
    <div className="plan-import-page">
      <h1>{t("plan.import.title")}</h1>
      <p className="hint" id="plan-import-hint">
        {t("plan.import.hint")}
      </p>
      {params.get("created") !== null ? (
        <p role="status" className="form-ok">
          {t("plan.import.done", { create: params.get("created") ?? "0", change: params.get("changed") ?? "0" })} {Number(params.get("history") ?? 0) > 0 ? t("plan.import.doneHistory", { history: params.get("history") ?? "0" }) : null} <Link to="/plan">{t("nav.plan")}</Link>
        </p>
      ) : null}
      {data && "error" in data ? (
        <p role="alert" className="form-error">
          {t(data.error)}
        </p>
      ) : null}
      {data && "errors" in data ? (
        <div role="alert" className="form-error">
          <p>{t("plan.import.errors")}</p>
          <ul data-testid="import-errors">
            {data.errors.map((e, i) => (
              <li key={i}>
                {e.line > 0 ? t("plan.import.line", { line: e.line }) : ""}
                {e.field ? ` · ${e.field}` : ""} : {t(e.key, e.params)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {preview ? (
        <section className="card" aria-labelledby="preview-title">
          <h2 id="preview-title" role="status">
            {t("plan.import.preview", { create: count("create"), change: count("change"), unchanged: count("unchanged") })} {count("history") > 0 ? t("plan.import.previewHistory", { history: count("history") }) : null}
          </h2>
          <table className="work-table" data-testid="import-preview">
            <thead>
              <tr>
                <th scope="col">{t("plan.import.col.line")}</th>
                <th scope="col">{t("plan.import.col.action")}</th>
                <th scope="col">{t("plan.import.col.when")}</th>
                <th scope="col">{t("plan.import.col.fields")}</th>
                <th scope="col">{t("plan.import.col.text")}</th>
              </tr>
            </thead>
            <tbody>
              {preview.preview
                .filter((c) => c.action !== "unchanged")
                .map((c) => (
                  <tr key={c.line}>
                    <td>{c.line}</td>
                    <td>{t(`plan.import.action.${c.action}`)}</td>
                    <td>
                      {c.date} {c.time}
                    </td>
                    <td>{c.fields.join(", ")}</td>
                    <td lang="fr">{c.frText.slice(0, 90)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
          <Form method="post">
            <input type="hidden" name="grid" value={preview.grid} />
            <button type="submit" name="intent" value="confirm" disabled={busy}>
              {t("plan.import.confirm")}
            </button>
          </Form>
        </section>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="card">
        <label htmlFor="plan-file">{t("plan.import.file")}</label>{" "}
        <input id="plan-file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="plan-import-hint" />{" "}
        <button type="submit" name="intent" value="check" disabled={busy}>
          {t("plan.import.check")}
        </button>
      </Form>
    </div>
  );
}

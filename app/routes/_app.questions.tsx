import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useFieldErrors } from "../components/field-errors";
import { can } from "../domain/permissions";
import { localeOf, type MessageKey } from "../i18n";
import { useLang, useT } from "../i18n/react";
import { importQuestionVolumes, importQuestions, listQuestions, questionFileFormat, saveQuestion, type ImportError, type VolumeFinding } from "../services/questions.server";
import { evaluateTeamTagging, learningSummary, type TeamEvaluation } from "../services/tag-learning.server";
import { requirePermission } from "../services/session.server";
import { formToObject, readForm } from "../services/validation.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

/** Uploaded files are read whole; a list of questions or a month of counts is far below this. */
const MAX_UPLOAD = 2 * 1024 * 1024;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "plan.read");
  const editId = new URL(request.url).searchParams.get("edit");
  const [questions, learning] = await Promise.all([listQuestions(context.app), learningSummary(context.app)]);
  return { questions, learning, canManage: can(user.roles, "questions.manage"), editId };
}

type ActionData =
  | { intent: "save"; errors: Record<string, { key: MessageKey; params?: Record<string, string | number> }>; values: Record<string, unknown> }
  | { intent: "import"; errors: ImportError[] }
  | { intent: "volumes"; errors: ImportError[]; personalData: VolumeFinding[] }
  | { intent: "upload"; error: MessageKey }
  | { intent: "evaluate"; evaluation: TeamEvaluation | null };

async function uploadedText(form: FormData): Promise<string | null> {
  const file = form.get("file");
  if (!file || typeof file === "string" || file.size === 0) return null;
  return await file.text();
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context.app, request, "questions.manage");
  if (Number(request.headers.get("content-length") ?? 0) > MAX_UPLOAD) return json<ActionData>({ intent: "upload", error: "questions.import.tooLarge" }, { status: 413 });
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "evaluate") return json<ActionData>({ intent: "evaluate", evaluation: await evaluateTeamTagging(context.app, 5) });
  if (intent === "import" || intent === "volumes") {
    const content = await uploadedText(form);
    if (content === null) return json<ActionData>({ intent: "upload", error: "questions.import.noFile" }, { status: 400 });
    if (intent === "import") {
      const file = form.get("file") as File;
      const result = await importQuestions(context.app, user, { format: questionFileFormat(file.name, content), content });
      if (!result.ok) return json<ActionData>({ intent: "import", errors: result.errors }, { status: 400 });
      throw redirect(`/questions?imported=${result.created}-${result.updated}`);
    }
    const result = await importQuestionVolumes(context.app, user, { content, redact: form.get("redact") === "on" });
    if (!result.ok) return json<ActionData>({ intent: "volumes", errors: result.errors, personalData: result.personalData }, { status: 400 });
    const removed = result.removed.map((r) => `${r.row}:${r.column}:${r.kinds.join("+")}`).join(",");
    throw redirect(`/questions?volumes=${result.imported}&months=${result.months.join(",")}${removed ? `&removed=${encodeURIComponent(removed)}` : ""}`);
  }
  const values = formToObject(form);
  const result = await saveQuestion(context.app, user, values);
  if (!result.ok) return json<ActionData>({ intent: "save", errors: result.errors, values }, { status: 400 });
  throw redirect("/questions?saved=1");
}

function ImportErrors({ errors }: { errors: ImportError[] }) {
  const t = useT();
  return (
    <div role="alert" className="form-error">
      <p>{t("questions.import.failed")}</p>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            {e.row > 0 ? `${t("questions.import.row", { row: e.row })}` : ""}
            {e.field ? ` · ${e.field}` : ""}
            {e.row > 0 || e.field ? " : " : ""}
            {t(e.key, e.params)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function PersonalDataList({ findings }: { findings: { row: number; column: string; kinds: string[] }[] }) {
  const t = useT();
  return (
    <>
      {findings
        .map((f) => t("questions.pii.where", { row: f.row, column: f.column, kinds: f.kinds.map((k) => t(`questions.pii.${k}` as MessageKey)).join(", ") }))
        .join("; ")}
    </>
  );
}

/** The recurring citizen questions: everyone reads the list; admins edit it, import it and export it. */
export default function Questions() {
  const { questions, learning, canManage, editId } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const lang = useLang();
  const locale = localeOf(lang);
  const busy = useNavigation().state === "submitting";
  const saveErrors = failed?.intent === "save" ? failed.errors : {};
  const values = failed?.intent === "save" ? failed.values : undefined;
  const { message, invalid } = useFieldErrors(saveErrors);
  const editing = questions.find((q) => q.id === (typeof values?.id === "string" && values.id ? values.id : editId));
  const v = (field: string, fallback: string) => (typeof values?.[field] === "string" ? (values[field]) : fallback);
  const imported = params.get("imported")?.split("-");
  const removed = (params.get("removed") ?? "")
    .split(",")
    .filter(Boolean)
    .map((r) => {
      const [row, column, kinds] = r.split(":");
      return { row: Number(row), column: column ?? "", kinds: (kinds ?? "").split("+") };
    });

  return (
    <div className="questions-page">
      <h1>{t("questions.title")}</h1>
      <p className="hint">{t("questions.intro")}</p>
      {params.get("saved") ? (
        <p role="status" className="form-ok">
          {t("questions.saved")}
        </p>
      ) : null}
      {imported ? (
        <p role="status" className="form-ok">
          {t("questions.import.done", { created: imported[0] ?? "0", updated: imported[1] ?? "0" })}
        </p>
      ) : null}
      {params.get("volumes") ? (
        <p role="status" className="form-ok">
          {t("questions.volumes.done", { count: params.get("volumes") ?? "0", months: params.get("months") ?? "" })}{" "}
          {removed.length > 0 ? (
            <>
              {t("questions.volumes.removed", { list: "" })}
              <PersonalDataList findings={removed} />
            </>
          ) : null}
        </p>
      ) : null}

      <table className="questions-table">
        <thead>
          <tr>
            <th scope="col">{t("questions.col.question")}</th>
            <th scope="col">{t("questions.col.keywords")}</th>
            <th scope="col">{t("questions.col.volume")}</th>
            <th scope="col">{t("questions.col.faq")}</th>
            <th scope="col">{t("questions.col.learning")}</th>
            {canManage ? <th scope="col">{t("questions.edit")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {questions.length === 0 ? (
            <tr>
              <td colSpan={6}>{t("questions.none")}</td>
            </tr>
          ) : null}
          {questions.map((q) => (
            <tr key={q.id} className={q.active ? undefined : "inactive"}>
              <td>
                <span lang="fr">{q.labelFr}</span>
                <br />
                <span lang="nl">{q.labelNl}</span>
                <br />
                <code>{q.slug}</code> {q.active ? null : <span className="badge">{t("questions.inactive")}</span>}
              </td>
              <td>
                <span lang="fr">{q.keywordsFr.join(", ")}</span>
                <br />
                <span lang="nl">{q.keywordsNl.join(", ")}</span>
              </td>
              <td>{q.volume.toLocaleString(locale)}</td>
              <td>
                {q.urlFr ? (
                  <a href={q.urlFr} lang="fr" rel="noreferrer">
                    FR
                  </a>
                ) : null}{" "}
                {q.urlNl ? (
                  <a href={q.urlNl} lang="nl" rel="noreferrer">
                    NL
                  </a>
                ) : null}
              </td>
              <td data-testid={`learning-${q.slug}`}>
                {t("questions.learning.examples", { n: learning.stats[q.id]?.examples ?? 0 })}
                <br />
                <small>{t("questions.learning.verdicts", { accepted: learning.stats[q.id]?.accepted ?? 0, rejected: learning.stats[q.id]?.rejected ?? 0, added: learning.stats[q.id]?.added ?? 0 })}</small>
              </td>
              {canManage ? (
                <td>
                  <Link to={`/questions?edit=${q.id}#question-form`} aria-label={`${t("questions.edit")} ${q.slug}`}>
                    {t("questions.edit")}
                  </Link>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint" data-testid="tag-model">
        {learning.model ? t("questions.learning.model", { version: learning.model.version, examples: learning.model.examples, at: learning.model.trainedAt.slice(0, 16).replace("T", " ") }) : t("questions.learning.noModel")} {t("questions.learning.hint")}
      </p>
      {learning.model ? (
        <p className="hint" data-testid="tag-confidence">
          {learning.model.confidence.kind === "calibrated"
            ? t("questions.learning.confidence", {
                score: learning.model.confidence.score.toLocaleString(locale, { maximumFractionDigits: 2 }),
                precision: learning.model.confidence.precision === null ? "—" : learning.model.confidence.precision.toLocaleString(locale, { style: "percent", maximumFractionDigits: 1 }),
                n: learning.model.confidence.confident,
                texts: learning.model.confidence.texts,
              })
            : learning.model.confidence.kind === "none"
              ? t("questions.learning.confidenceNone", { texts: learning.model.confidence.texts })
              : t("questions.learning.confidenceDefault")}
        </p>
      ) : null}
      {canManage ? (
        <section className="card" aria-labelledby="evaluate-title">
          <h2 id="evaluate-title">{t("questions.evaluate.title")}</h2>
          <p className="hint">{t("questions.evaluate.hint")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="evaluate" />
            <button type="submit">{t("questions.evaluate.run")}</button>
          </Form>
          {failed?.intent === "evaluate" ? (
            failed.evaluation ? (
              <table className="work-table" data-testid="tag-evaluation">
                <caption>{t("questions.evaluate.caption", { pairs: failed.evaluation.pairs, texts: failed.evaluation.texts, folds: failed.evaluation.folds })}</caption>
                <tbody>
                  {(
                    [
                      ["questions.evaluate.top1", failed.evaluation.top1],
                      ["questions.evaluate.top3", failed.evaluation.top3],
                      ["questions.evaluate.keywordTop3", failed.evaluation.keywordTop3],
                      ["questions.evaluate.paraphraseTop3", failed.evaluation.paraphraseTop3],
                      ["questions.evaluate.confidentPrecision", failed.evaluation.confidentPrecision],
                    ] as const
                  ).map(([key, value]) => (
                    <tr key={key}>
                      <th scope="row">{t(key)}</th>
                      <td>{value === null ? "—" : value.toLocaleString(locale, { style: "percent", maximumFractionDigits: 1 })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p role="status">{t("questions.evaluate.tooFew")}</p>
            )
          ) : null}
        </section>
      ) : null}
      {!canManage ? <p className="hint">{t("questions.readOnly")}</p> : null}

      {canManage ? (
        <>
          <section className="card" id="question-form" aria-labelledby="question-form-title">
            <h2 id="question-form-title">{editing ? t("questions.editing", { slug: editing.slug }) : t("questions.new")}</h2>
            {saveErrors._form ? (
              <p role="alert" className="form-error">
                {t(saveErrors._form.key)}
              </p>
            ) : null}
            <Form method="post" key={editing?.id ?? "new"} className="question-form">
              {editing ? (
                <>
                  <input type="hidden" name="id" value={editing.id} />
                  <input type="hidden" name="version" value={editing.version} />
                </>
              ) : null}
              <div className="field">
                <label htmlFor="q-slug">{t("questions.field.slug")}</label>
                <input id="q-slug" name="slug" required defaultValue={v("slug", editing?.slug ?? "")} {...invalid("slug")} />
                {message("slug")}
              </div>
              <div className="side-by-side">
                <div className="field" lang="fr">
                  <label htmlFor="q-fr">{t("questions.field.fr")}</label>
                  <input id="q-fr" name="fr" required defaultValue={v("fr", editing?.labelFr ?? "")} {...invalid("fr")} />
                  {message("fr")}
                  <label htmlFor="q-kw-fr">{t("questions.field.keywordsFr")}</label>
                  <textarea id="q-kw-fr" name="keywordsFr" rows={4} defaultValue={v("keywordsFr", editing?.keywordsFr.join("\n") ?? "")} {...invalid("keywordsFr")} />
                  {message("keywordsFr")}
                  <label htmlFor="q-url-fr">{t("questions.field.urlFr")}</label>
                  <input id="q-url-fr" name="urlFr" type="url" defaultValue={v("urlFr", editing?.urlFr ?? "")} {...invalid("urlFr")} />
                  {message("urlFr")}
                  <label htmlFor="q-answer-fr">{t("questions.field.answerFr")}</label>
                  <textarea id="q-answer-fr" name="answerFr" rows={3} maxLength={400} defaultValue={v("answerFr", editing?.answerFr ?? "")} {...invalid("answerFr")} />
                  {message("answerFr")}
                </div>
                <div className="field" lang="nl">
                  <label htmlFor="q-nl">{t("questions.field.nl")}</label>
                  <input id="q-nl" name="nl" required defaultValue={v("nl", editing?.labelNl ?? "")} {...invalid("nl")} />
                  {message("nl")}
                  <label htmlFor="q-kw-nl">{t("questions.field.keywordsNl")}</label>
                  <textarea id="q-kw-nl" name="keywordsNl" rows={4} defaultValue={v("keywordsNl", editing?.keywordsNl.join("\n") ?? "")} {...invalid("keywordsNl")} />
                  {message("keywordsNl")}
                  <label htmlFor="q-url-nl">{t("questions.field.urlNl")}</label>
                  <input id="q-url-nl" name="urlNl" type="url" defaultValue={v("urlNl", editing?.urlNl ?? "")} {...invalid("urlNl")} />
                  {message("urlNl")}
                  <label htmlFor="q-answer-nl">{t("questions.field.answerNl")}</label>
                  <textarea id="q-answer-nl" name="answerNl" rows={3} maxLength={400} defaultValue={v("answerNl", editing?.answerNl ?? "")} {...invalid("answerNl")} />
                  {message("answerNl")}
                </div>
              </div>
              <div className="field">
                <label htmlFor="q-volume">{t("questions.field.volume")}</label>
                <input id="q-volume" name="volume" type="number" min={0} required defaultValue={v("volume", String(editing?.volume ?? 0))} {...invalid("volume")} />
                {message("volume")}
              </div>
              <label className="checkbox">
                <input type="checkbox" name="active" value="on" defaultChecked={values ? values.active === "on" : (editing?.active ?? true)} /> {t("questions.field.active")}
              </label>
              {/* After the checkbox: the first value of "active" wins, so "off" counts only when it is unticked. */}
              <input type="hidden" name="active" value="off" />
              <p>
                <button type="submit" name="intent" value="save" disabled={busy}>
                  {t("questions.save")}
                </button>{" "}
                {editing ? <Link to="/questions">{t("questions.cancel")}</Link> : null}
              </p>
            </Form>
          </section>

          <section className="card" aria-labelledby="import-title">
            <h2 id="import-title">{t("questions.import.title")}</h2>
            <p className="hint" id="import-hint">
              {t("questions.import.hint")}
            </p>
            {failed?.intent === "import" ? <ImportErrors errors={failed.errors} /> : null}
            {failed?.intent === "upload" ? (
              <p role="alert" className="form-error">
                {t(failed.error)}
              </p>
            ) : null}
            <Form method="post" encType="multipart/form-data">
              <label htmlFor="import-file">{t("questions.import.file")}</label>{" "}
              <input id="import-file" name="file" type="file" accept=".json,.csv,application/json,text/csv" aria-describedby="import-hint" />{" "}
              <button type="submit" name="intent" value="import" disabled={busy}>
                {t("questions.import.submit")}
              </button>
            </Form>
            <p>
              <a href="/questions/export?format=json" download>
                {t("questions.export.json")}
              </a>{" "}
              · <a href="/questions/export?format=csv" download>
                {t("questions.export.csv")}
              </a>{" "}
              · <a href="/questions/export?format=csv&sep=semicolon" download>
                {t("questions.export.csvSemicolon")}
              </a>
            </p>
          </section>

          <section className="card" aria-labelledby="volumes-title">
            <h2 id="volumes-title">{t("questions.volumes.title")}</h2>
            <p className="hint" id="volumes-hint">
              {t("questions.volumes.hint")}
            </p>
            {failed?.intent === "volumes" ? (
              <>
                {failed.personalData.length > 0 && failed.errors.length === 0 ? (
                  <p role="alert" className="form-error">
                    {t("questions.volumes.personal", { list: "" })}
                    <PersonalDataList findings={failed.personalData} />
                  </p>
                ) : null}
                {failed.errors.length > 0 ? <ImportErrors errors={failed.errors} /> : null}
              </>
            ) : null}
            <Form method="post" encType="multipart/form-data">
              <label htmlFor="volumes-file">{t("questions.import.file")}</label>{" "}
              <input id="volumes-file" name="file" type="file" accept=".csv,text/csv" aria-describedby="volumes-hint" />
              <label className="checkbox upload-option">
                <input type="checkbox" name="redact" /> {t("questions.volumes.redact")}
              </label>
              <button type="submit" name="intent" value="volumes" disabled={busy}>
                {t("questions.import.submit")}
              </button>
            </Form>
          </section>
        </>
      ) : null}
    </div>
  );
}

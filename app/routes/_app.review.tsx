import { readForm } from "../services/validation.server";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { reviewPeriod } from "../domain/calendar-range";
import type { MessageKey } from "../i18n";
import { useT } from "../i18n/react";
import { approveItems } from "../services/review.server";
import { approverQueue } from "../services/review-queues.server";
import { requirePermission } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];


export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = context.app;
  const user = await requirePermission(ctx, request, "item.approve");
  const search = new URL(request.url).searchParams;
  const { from, to } = reviewPeriod({ month: search.get("month"), from: search.get("from"), to: search.get("to"), weeks: search.get("weeks") }, ctx.now());
  const queue = await approverQueue(ctx, user, { from: from.toJSDate(), to: to.toJSDate() });
  return {
    from: from.toFormat("yyyy-MM-dd"),
    lastDay: to.minus({ days: 1 }).toFormat("yyyy-MM-dd"),
    // What one click approves: written in every language, not the approver's own, no open exception.
    approvable: queue.filter((q) => !q.ownItem && q.exception?.status !== "requested"),
    own: queue.filter((q) => q.ownItem),
    exceptions: queue.filter((q) => !q.ownItem && q.exception?.status === "requested"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = context.app;
  const user = await requirePermission(ctx, request, "item.approve");
  const form = await readForm(request);
  const shown = form
    .getAll("item")
    .map(String)
    .map((s) => {
      const [id = "", version = ""] = s.split(":");
      return { id, version: Number(version) };
    })
    .slice(0, 1000);
  const result = await approveItems(ctx, user, shown);
  if (!result.ok) return json({ key: result.key, params: result.params, problems: result.problems ?? [] }, { status: 400 });
  const url = new URL(request.url);
  url.searchParams.set("approved", String(result.approved));
  url.searchParams.set("scheduled", String(result.scheduled));
  throw redirect(url.pathname + url.search);
}

/** Approving a week or a month in one step, after reading exactly what is being approved. */
export default function BulkReview() {
  const data = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>();
  const t = useT();
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  const problems = new Map((refused?.problems ?? []).map((p) => [p.id, p.key]));
  const languages = (["fr", "nl", "de"] as const).filter((l) => data.approvable.some((a) => a.texts[l]));
  return (
    <div className="review-page">
      <h1>{t("bulk.title", { from: data.from, to: data.lastDay })}</h1>
      {params.get("approved") ? (
        <p role="status" className="form-ok">
          {t("bulk.done", { approved: params.get("approved") ?? "0", scheduled: params.get("scheduled") ?? "0" })}
        </p>
      ) : null}
      {refused ? (
        <p role="alert" className="form-error">
          {t(refused.key, refused.params)} {t("bulk.reload")}
        </p>
      ) : null}
      {data.approvable.length === 0 ? (
        <p className="hint">{t("bulk.nothing")}</p>
      ) : (
        <Form method="post">
          <section className="card" aria-labelledby="summary-title">
            <h2 id="summary-title">{t("bulk.summary")}</h2>
            <p data-testid="bulk-summary">
              {t("bulk.summaryText", {
                count: data.approvable.length,
                languages: languages.map((l) => t(`languageIn.${l}`)).join(", "),
                channels: new Set(data.approvable.flatMap((a) => a.channels)).size,
              })}
            </p>
          </section>
          <table className="bulk-table">
            <thead>
              <tr>
                <th scope="col">{t("work.publication")}</th>
                <th scope="col">{t("language.fr")}</th>
                <th scope="col">{t("language.nl")}</th>
                <th scope="col">{t("bulk.channels")}</th>
                <th scope="col">{t("bulk.author")}</th>
              </tr>
            </thead>
            <tbody>
              {data.approvable.map((a) => (
                <tr key={a.itemId} data-testid={`bulk-${a.itemId}`} className={problems.has(a.itemId) ? "problem" : ""}>
                  <td>
                    <input type="hidden" name="item" value={`${a.itemId}:${a.version}`} />
                    <Link to={`/items/${a.itemId}?back=${encodeURIComponent(location.pathname + location.search)}`}>
                      {a.localDate} {a.localTime}
                    </Link>
                    {problems.has(a.itemId) ? <p className="field-error">{t(problems.get(a.itemId) as MessageKey)}</p> : null}
                  </td>
                  <td lang="fr">{a.texts.fr}</td>
                  <td lang="nl">
                    {a.texts.nl}
                    {a.texts.de ? (
                      <p lang="de">
                        <strong>{t("language.de")}:</strong> {a.texts.de}
                      </p>
                    ) : null}
                  </td>
                  <td>{a.channels.join(", ")}</td>
                  <td>{a.authorName}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="submit">{t("bulk.approve", { count: data.approvable.length })}</button>
        </Form>
      )}
      {data.own.length > 0 ? (
        <section className="card" aria-labelledby="own-title">
          <h2 id="own-title">{t("bulk.own", { count: data.own.length })}</h2>
          <p className="hint">{t("review.ownItem")}</p>
        </section>
      ) : null}
      {data.exceptions.length > 0 ? (
        <section className="card" aria-labelledby="exceptions-title">
          <h2 id="exceptions-title">{t("bulk.exceptions", { count: data.exceptions.length })}</h2>
          <ul>
            {data.exceptions.map((a) => (
              <li key={a.itemId}>
                <Link to={`/items/${a.itemId}#review`}>
                  {a.localDate} {a.localTime}
                </Link>{" "}
                — {a.exception?.reason}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

import { readForm } from "../services/validation.server";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { VariantStateBadge } from "../components/review-panel";
import { can } from "../domain/permissions";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { useLang, useT } from "../i18n/react";
import { approverQueue, rejectedItems, translatorQueue } from "../services/review-queues.server";
import { dismissMyReminder, myReminders } from "../services/reminders.server";
import { requireUser } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = context.app;
  const user = await requireUser(ctx, request);
  const translator = user.roles.includes("translator") || can(user.roles, "variant.translate");
  const approver = can(user.roles, "item.approve");
  const editor = can(user.roles, "item.write");
  const [translations, approvals, rejected, reminders] = await Promise.all([
    translator ? translatorQueue(ctx) : null,
    approver ? approverQueue(ctx, user) : null,
    editor ? rejectedItems(ctx, user) : null,
    myReminders(ctx, user),
  ]);
  const today = DateTime.fromJSDate(ctx.now(), { zone: BRUSSELS_ZONE });
  return {
    reminders: reminders.map((r) => ({ id: r.id, kind: r.kind, language: r.language, dueDate: r.due_date, itemId: r.content_item_id, when: `${r.local_date} ${r.local_time}` })),
    translations,
    approvals,
    rejected,
    weekStart: today.startOf("week").toFormat("yyyy-MM-dd"),
    nextWeekStart: today.startOf("week").plus({ weeks: 1 }).toFormat("yyyy-MM-dd"),
    month: today.toFormat("yyyy-MM"),
    nextMonth: today.plus({ months: 1 }).toFormat("yyyy-MM"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request);
  const form = await readForm(request);
  const id = form.get("reminder");
  await dismissMyReminder(context.app, user, typeof id === "string" ? id : "");
  return { ok: true };
}

/** "My work": what waits for this person, by role — translations, approvals, posts sent back. */
export default function MyWork() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const lang = useLang();
  const back = "/work";
  const item = (id: string) => `/items/${id}?back=${encodeURIComponent(back)}`;
  return (
    <div className="work-page">
      <h1>{t("work.title")}</h1>
      {data.reminders.length > 0 ? (
        <section aria-labelledby="reminders-title" className="card reminders">
          <h2 id="reminders-title">{t("work.reminders", { count: data.reminders.length })}</h2>
          <ul className="work-list">
            {data.reminders.map((r) => (
              <li key={r.id} data-testid="reminder">
                <Link to={r.kind === "translation" && r.language ? `/items/${r.itemId}/translate/${r.language}?back=/work` : `/items/${r.itemId}?back=/work`}>
                  {r.kind === "translation"
                    ? t("work.reminder.translation", { language: t(`languageIn.${(r.language ?? "nl") as "fr" | "nl" | "de"}`), date: r.dueDate, when: r.when })
                    : t("work.reminder.approval", { when: r.when })}
                </Link>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="reminder" value={r.id} />
                  <button type="submit" className="secondary">
                    {t("work.dismiss")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {data.translations ? (
        <section aria-labelledby="translations-title" className="card">
          <h2 id="translations-title">{t("work.translations", { count: data.translations.length })}</h2>
          {data.translations.length === 0 ? (
            <p className="hint">{t("work.nothing")}</p>
          ) : (
            <table className="work-table">
              <thead>
                <tr>
                  <th scope="col">{t("work.publication")}</th>
                  <th scope="col">{t("work.deadline")}</th>
                  <th scope="col">{t("review.language")}</th>
                  <th scope="col">{t("review.state")}</th>
                  <th scope="col">{t("work.source")}</th>
                </tr>
              </thead>
              <tbody>
                {data.translations.map((task) => (
                  <tr key={`${task.itemId}-${task.language}`} className={task.late ? "late" : ""} data-testid={`translation-${task.itemId}`}>
                    <td>
                      {task.localDate} {task.localTime}
                    </td>
                    <td>
                      {task.deadline}
                      {task.late ? <strong className="late-flag"> · {t("work.late")}</strong> : null}
                    </td>
                    <td>{t(`language.${task.language}`)}</td>
                    <td>
                      <VariantStateBadge state={task.state} />
                      {task.rejectionComment ? <span className="rejection"> {t("review.rejectedBecause", { comment: task.rejectionComment })}</span> : null}
                    </td>
                    <td lang={task.sourceLanguage}>
                      <Link to={`/items/${task.itemId}/translate/${task.language}?back=${encodeURIComponent(back)}`}>{task.sourceText.slice(0, 90) || t("work.open")}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}

      {data.approvals ? (
        <section aria-labelledby="approvals-title" className="card">
          <h2 id="approvals-title">{t("work.approvals", { count: data.approvals.filter((a) => !a.ownItem).length })}</h2>
          <p>
            {t("work.approveMany")}{" "}
            <Link to={`/review?from=${data.weekStart}&to=${data.nextWeekStart}`}>{t("work.thisWeek")}</Link> ·{" "}
            <Link to={`/review?from=${data.nextWeekStart}&weeks=1`}>{t("work.nextWeek")}</Link> · <Link to={`/review?month=${data.month}`}>{t("work.thisMonth")}</Link> ·{" "}
            <Link to={`/review?month=${data.nextMonth}`}>{t("work.nextMonth")}</Link>
          </p>
          {data.approvals.length === 0 ? (
            <p className="hint">{t("work.nothing")}</p>
          ) : (
            <ul className="work-list">
              {data.approvals.map((a) => (
                <li key={a.itemId} data-testid={`approval-${a.itemId}`}>
                  <Link to={item(a.itemId)}>
                    {a.localDate} {a.localTime} — {(lang === "nl" ? a.texts.nl : a.texts.fr)?.slice(0, 90) ?? ""}
                  </Link>{" "}
                  · {a.authorName}
                  {a.ownItem ? <span className="hint"> · {t("review.ownItem")}</span> : null}
                  {a.exception?.status === "requested" ? <strong> · {t("work.exceptionAsked")}</strong> : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {data.rejected ? (
        <section aria-labelledby="rejected-title" className="card">
          <h2 id="rejected-title">{t("work.rejected", { count: data.rejected.length })}</h2>
          {data.rejected.length === 0 ? (
            <p className="hint">{t("work.nothing")}</p>
          ) : (
            <ul className="work-list">
              {data.rejected.map((r) => (
                <li key={r.itemId}>
                  <Link to={item(r.itemId)}>
                    {r.localDate} {r.localTime}
                  </Link>{" "}
                  · {r.languages.map((l) => t(`language.${l as "fr" | "nl" | "de"}`)).join(", ")} · {r.comment}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}

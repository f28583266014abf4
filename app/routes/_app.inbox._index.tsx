import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, NavLink, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { can } from "../domain/permissions";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { useT } from "../i18n/react";
import { dismissMyAlert, inboxPage, myAlerts, type InboxQueue } from "../services/inbox.server";
import { requirePermission } from "../services/session.server";
import { readForm, refusalStatus } from "../services/validation.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

const QUEUES: readonly InboxQueue[] = ["fr", "nl", "other", "mine", "approval", "watch", "closed"];
const local = (d: Date | null) => (d ? DateTime.fromJSDate(d, { zone: BRUSSELS_ZONE }).toFormat("dd/MM HH:mm") : "");

/** "2 h 05", "3 d 4 h": how long until (or since) a deadline, the same in every language. */
function span(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")}`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** /inbox?queue=fr|nl|other|mine|approval|watch|closed&page=N — one queue of conversations, by deadline. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = context.app;
  const user = await requirePermission(ctx, request, "inbox.read");
  const url = new URL(request.url);
  const asked = url.searchParams.get("queue") ?? "";
  const queue: InboxQueue = (QUEUES as readonly string[]).includes(asked) ? (asked as InboxQueue) : user.ui_language === "nl" ? "nl" : "fr";
  const page = Math.min(Math.max(0, Number.parseInt(url.searchParams.get("page") ?? "0", 10) || 0), 10_000);
  const [data, alerts] = await Promise.all([inboxPage(ctx, user, queue, page), myAlerts(ctx, user)]);
  const canPersonalData = can(user.roles, "inbox.personalData");
  const now = ctx.now().getTime();
  return {
    queue,
    page,
    canPersonalData,
    alerts: alerts.map((a) => ({ id: a.id, conversationId: a.conversation_id, citizen: a.citizen_handle, channel: a.channel, due: local(a.due_at) })),
    more: data.more,
    counts: Object.fromEntries(data.counts.map((c) => [c.language, c])) as Record<string, { open: number; overdue: number } | undefined>,
    side: data.side,
    troubled: data.troubled.map((c) => ({ ...c, retryAt: local(c.retryAt) })),
    rows: data.rows.map((r) => {
      const waitingForUs = r.state === "new" || r.state === "assigned" || r.state === "waiting";
      return {
        id: r.id,
        citizen: r.citizen_handle,
        channel: r.channel_name,
        state: r.state,
        assignee: r.assignee_name,
        text: (r.last_text ?? "").slice(0, 160),
        messages: r.messages,
        due: local(r.due_at),
        overdue: waitingForUs && r.due_at.getTime() < now,
        left: waitingForUs ? span(r.due_at.getTime() - now) : null,
      };
    }),
  };
}

/** Dismisses one of the signed-in person's overdue notices. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context.app, request, "inbox.read");
  const form = await readForm(request);
  const alert = form.get("alert");
  const result = await dismissMyAlert(context.app, user, typeof alert === "string" ? alert : "");
  return json(result, { status: result.ok ? 200 : refusalStatus(result.key) });
}

export default function Inbox() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const count = (language: string) => data.counts[language]?.open ?? 0;
  return (
    <div className="inbox-page">
      <h1>{t("inbox.title")}</h1>
      <p className="hint">
        {t("inbox.explain")} <Link to="/reports/response-times">{t("nav.responseTimes")}</Link>
        {data.canPersonalData ? (
          <>
            {" · "}
            <Link to="/inbox/personal-data">{t("personal.title")}</Link>
          </>
        ) : null}
      </p>
      {data.troubled.length > 0 ? (
        <div role="status" className="form-error" data-testid="inbox-troubled">
          {data.troubled.map((c) => (
            <p key={`${c.name}-${c.term ?? ""}`}>{c.term ? t("inbox.troubledWatch", { name: c.name, term: c.term, code: c.code ?? "", time: c.retryAt ?? "" }) : t("inbox.troubled", { name: c.name, code: c.code ?? "", time: c.retryAt ?? "" })}</p>
          ))}
        </div>
      ) : null}
      {data.alerts.length > 0 ? (
        <section className="card" aria-labelledby="alerts-title" data-testid="inbox-alerts">
          <h2 id="alerts-title">{t("alert.title")}</h2>
          <ul>
            {data.alerts.map((a) => (
              <li key={a.id}>
                <Link to={`/inbox/${a.conversationId}`}>{a.citizen}</Link> — {t("alert.item", { channel: a.channel, time: a.due })}{" "}
                <Form method="post" className="inline-form">
                  <input type="hidden" name="alert" value={a.id} />
                  <button type="submit" className="link-button">
                    {t("alert.dismiss")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <nav aria-label={t("inbox.queues")} className="inbox-queues">
        {(["fr", "nl", "other"] as const).map((q) => (
          <NavLink key={q} to={`/inbox?queue=${q}`} className={data.queue === q ? "active" : undefined} aria-current={data.queue === q ? "page" : undefined}>
            {t(`inbox.queue.${q}`, { count: count(q) })}
            {(data.counts[q]?.overdue ?? 0) > 0 ? <span className="count-badge late-badge"> {t("inbox.overdueCount", { count: data.counts[q]?.overdue ?? 0 })}</span> : null}
          </NavLink>
        ))}
        <NavLink to="/inbox?queue=mine" className={data.queue === "mine" ? "active" : undefined} aria-current={data.queue === "mine" ? "page" : undefined}>
          {t("inbox.queue.mine")}
        </NavLink>
        <NavLink to="/inbox?queue=approval" className={data.queue === "approval" ? "active" : undefined} aria-current={data.queue === "approval" ? "page" : undefined}>
          {t("inbox.queue.approval", { count: data.side.approval })}
        </NavLink>
        {data.side.watch > 0 || data.queue === "watch" ? (
          <NavLink to="/inbox?queue=watch" className={data.queue === "watch" ? "active" : undefined} aria-current={data.queue === "watch" ? "page" : undefined}>
            {t("inbox.queue.watch", { count: data.side.watch })}
          </NavLink>
        ) : null}
        <NavLink to="/inbox?queue=closed" className={data.queue === "closed" ? "active" : undefined} aria-current={data.queue === "closed" ? "page" : undefined}>
          {t("inbox.queue.closed")}
        </NavLink>
      </nav>
      {data.rows.length === 0 ? (
        <p className="hint" data-testid="inbox-empty">
          {t("inbox.empty")}
        </p>
      ) : (
        <table className="work-table" data-testid="inbox-conversations">
          <thead>
            <tr>
              <th scope="col">{t("inbox.col.due")}</th>
              <th scope="col">{t("inbox.col.citizen")}</th>
              <th scope="col">{t("inbox.col.message")}</th>
              <th scope="col">{t("inbox.col.channel")}</th>
              <th scope="col">{t("inbox.col.state")}</th>
              <th scope="col">{t("inbox.col.assignee")}</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.id} className={r.overdue ? "late" : undefined} data-testid="conversation-row">
                <td>
                  {r.due}
                  {r.left ? <div className="hint">{r.overdue ? `${t("inbox.overdue")} · ${r.left}` : r.left}</div> : null}
                </td>
                <td>
                  <Link to={`/inbox/${r.id}`}>{r.citizen}</Link>
                </td>
                <td>
                  {r.text} {r.messages > 1 ? <span className="hint">({r.messages})</span> : null}
                </td>
                <td>{r.channel}</td>
                <td>{t(`inbox.state.${r.state}`)}</td>
                <td>{r.assignee ?? t("inbox.nobody")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="pager">
        {data.page > 0 ? <Link to={`/inbox?queue=${data.queue}&page=${data.page - 1}`}>{t("inbox.previous")}</Link> : null}{" "}
        {data.more ? <Link to={`/inbox?queue=${data.queue}&page=${data.page + 1}`}>{t("inbox.next")}</Link> : null}
      </p>
    </div>
  );
}

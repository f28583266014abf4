import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { usePublishError } from "../components/publications-panel";
import { can } from "../domain/permissions";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import type { MessageKey } from "../i18n";
import { useT } from "../i18n/react";
import { schedulerStatus } from "../services/scheduler-health.server";
import { lastBackup, nightlyBackupsEnabled } from "../services/backups.server";
import { listeningTrouble } from "../services/inbox.server";
import { holdPublishing, markChannelReconnected, publishingHealth, releaseHold } from "../services/publishing-admin.server";
import { requirePermission } from "../services/session.server";
import { refusalStatus, readForm } from "../services/validation.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

const local = (d: Date | null) => (d ? DateTime.fromJSDate(d, { zone: BRUSSELS_ZONE }).toFormat("dd/MM/yyyy HH:mm") : null);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = context.app;
  const user = await requirePermission(ctx, request, "plan.read");
  const [health, scheduler, listening] = await Promise.all([publishingHealth(ctx), schedulerStatus(ctx), listeningTrouble(ctx)]);
  const channels = health.channels;
  return {
    scheduler: { ...scheduler, nextStartAt: scheduler.nextStartAt ? DateTime.fromISO(scheduler.nextStartAt, { zone: BRUSSELS_ZONE }).toFormat("HH:mm:ss") : null },
    next: local(health.next),
    overdue: health.overdue,
    failures: health.failures.map((f) => ({ id: f.id, itemId: f.content_item_id, channel: f.name, state: f.state, code: f.last_error_code, error: f.last_error, when: `${f.local_date} ${f.local_time}` })),
    reconnect: health.reconnect.map((c) => ({ id: c.id, name: c.name, reason: c.reconnect_reason })),
    holds: health.holds.map((h) => ({ ...h, heldAt: local(h.heldAt) })),
    reschedule: health.reschedule.map((i) => ({ id: i.id, when: `${i.local_date} ${i.local_time}`, month: i.local_date.slice(0, 7) })),
    channels: channels.map((c) => ({ id: c.id, name: c.name })),
    // The networks that refuse to let Cadence read what citizens write (the inbox's collection and watches).
    listening: listening.map((l) => ({ name: l.name, code: l.code, term: l.term, retryAt: local(l.retryAt) ?? "" })),
    canHold: can(user.roles, "publishing.hold"),
    canReconnect: can(user.roles, "channels.manage"),
    backup: (() => {
      const b = lastBackup(ctx);
      return b ? { at: local(b.at) ?? "", mb: Math.round((b.bytes / 1_048_576) * 10) / 10 } : null;
    })(),
    nightlyBackups: nightlyBackupsEnabled(),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = context.app;
  const user = await requirePermission(ctx, request, "plan.read");
  const form = Object.fromEntries(await readForm(request));
  const id = typeof form.id === "string" ? form.id : "";
  const result =
    form.intent === "hold" ? await holdPublishing(ctx, user, form) : form.intent === "release" ? await releaseHold(ctx, user, id) : await markChannelReconnected(ctx, user, id);
  if (!result.ok) return json({ ok: false as const, key: result.key, values: form }, { status: refusalStatus(result.key) });
  return json({ ok: true as const, intent: typeof form.intent === "string" ? form.intent : "", rescheduled: result.rescheduleItems?.length ?? 0 });
}

/** Publishing health: what is due next, what is late, what failed, which channels need reconnecting, and the crisis hold. */
export default function Publishing() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const errorText = usePublishError();
  return (
    <div className="publishing-page">
      <h1>{t("publishing.title")}</h1>
      {result?.ok === false ? (
        <p role="alert" className="form-error">
          {t(result.key)}
        </p>
      ) : result?.ok ? (
        <p role="status" className="form-ok">
          {result.intent === "hold" ? t("publishing.heldDone") : result.intent === "release" ? t("publishing.releasedDone", { count: result.rescheduled }) : t("review.done.saved")}
        </p>
      ) : null}

      <section className="card" aria-labelledby="scheduler-title" data-testid="scheduler-health">
        <h2 id="scheduler-title">{t("scheduler.title")}</h2>
        <p>
          {data.scheduler.state === "running"
            ? t("scheduler.state.running", { seconds: Math.round(data.scheduler.heartbeatAgeSeconds ?? 0) })
            : data.scheduler.state === "restarting"
              ? t("scheduler.state.restarting", { time: data.scheduler.nextStartAt ?? "" })
              : t(`scheduler.state.${data.scheduler.state}`)}
          {data.scheduler.state !== "running" ? <> {data.scheduler.heartbeatAgeSeconds === null ? t("scheduler.neverSeen") : t("scheduler.lastSeen", { seconds: Math.round(data.scheduler.heartbeatAgeSeconds) })}</> : null}
          {data.scheduler.restarts !== null ? <> {t("scheduler.restarts", { count: data.scheduler.restarts })}</> : null}
        </p>
        <p data-testid="last-backup">{data.backup ? t("backup.last", { at: data.backup.at, mb: data.backup.mb }) : data.nightlyBackups ? t("backup.none") : t("backup.external")}</p>
      </section>

      <section className="card" aria-labelledby="listening-title" data-testid="listening-health">
        <h2 id="listening-title">{t("publishing.listening")}</h2>
        {data.listening.length === 0 ? (
          <p>{t("publishing.listeningOk")}</p>
        ) : (
          <ul>
            {data.listening.map((l) => (
              <li key={`${l.name}-${l.term ?? ""}`}>
                {l.term ? t("inbox.troubledWatch", { name: l.name, term: l.term, code: l.code ?? "", time: l.retryAt }) : t("inbox.troubled", { name: l.name, code: l.code ?? "", time: l.retryAt })}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="hold-title">
        <h2 id="hold-title">{t("publishing.hold")}</h2>
        {data.holds.length === 0 ? <p>{t("publishing.noHold")}</p> : null}
        <ul>
          {data.holds.map((h) => (
            <li key={h.id} data-testid="live-hold">
              <strong>{h.scope === "all" ? t("publishing.scope.all") : h.scope === "channel" ? h.channelName : t(`language.${h.language ?? "fr"}`)}</strong> — {h.reason} ·{" "}
              {t("publishing.heldBy", { name: h.heldBy, time: h.heldAt ?? "" })}
              {data.canHold ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="release" />
                  <input type="hidden" name="id" value={h.id} />
                  <button type="submit">{t("publishing.release")}</button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
        {data.canHold ? (
          <Form method="post" className="hold-form">
            <input type="hidden" name="intent" value="hold" />
            <div className="field">
              <label htmlFor="hold-scope">{t("publishing.scope")}</label>
              <select id="hold-scope" name="scope" defaultValue="all">
                <option value="all">{t("publishing.scope.all")}</option>
                <option value="channel">{t("publishing.scope.channel")}</option>
                <option value="language">{t("publishing.scope.language")}</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="hold-channel">{t("publishing.scope.channel")}</label>
              <select id="hold-channel" name="channelId" defaultValue="">
                <option value="">—</option>
                {data.channels.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="hold-language">{t("publishing.scope.language")}</label>
              <select id="hold-language" name="language" defaultValue="">
                <option value="">—</option>
                <option value="fr">{t("language.fr")}</option>
                <option value="nl">{t("language.nl")}</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="hold-reason">{t("publishing.reason")}</label>
              <input id="hold-reason" name="reason" maxLength={1000} required defaultValue={result?.ok === false && typeof result.values.reason === "string" ? result.values.reason : ""} />
            </div>
            <button type="submit" className="danger">
              {t("publishing.holdNow")}
            </button>
          </Form>
        ) : null}
      </section>

      {data.reschedule.length > 0 ? (
        <section className="card" aria-labelledby="reschedule-title">
          <h2 id="reschedule-title">{t("publishing.reschedule", { count: data.reschedule.length })}</h2>
          <p className="hint">{t("publishing.rescheduleHint")}</p>
          <ul>
            {data.reschedule.map((i) => (
              <li key={i.id}>
                <Link to={`/items/${i.id}?back=${encodeURIComponent(`/calendar/${i.month}`)}`}>{i.when}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby="health-title">
        <h2 id="health-title">{t("publishing.health")}</h2>
        <dl className="health">
          <dt>{t("publishing.next")}</dt>
          <dd data-testid="next-due">{data.next ?? t("publishing.nothingDue")}</dd>
          <dt>{t("publishing.overdue")}</dt>
          <dd data-testid="overdue">{data.overdue}</dd>
        </dl>
        <h3>{t("publishing.reconnect", { count: data.reconnect.length })}</h3>
        <ul>
          {data.reconnect.map((c) => (
            <li key={c.id}>
              <strong>{c.name}</strong> — {c.reason}
              {data.canReconnect ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="reconnected" />
                  <input type="hidden" name="id" value={c.id} />
                  <button type="submit" className="secondary">
                    {t("publishing.reconnected")}
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
        <h3>{t("publishing.failures", { count: data.failures.length })}</h3>
        {data.failures.length === 0 ? (
          <p className="hint">{t("work.nothing")}</p>
        ) : (
          <table className="work-table">
            <thead>
              <tr>
                <th scope="col">{t("work.publication")}</th>
                <th scope="col">{t("bulk.channels")}</th>
                <th scope="col">{t("review.state")}</th>
                <th scope="col">{t("review.note")}</th>
              </tr>
            </thead>
            <tbody>
              {data.failures.map((f) => (
                <tr key={f.id}>
                  <td>
                    <Link to={`/items/${f.itemId}#publications-title`}>{f.when}</Link>
                  </td>
                  <td>{f.channel}</td>
                  <td>{t(`publicationState.${f.state}` as MessageKey)}</td>
                  <td>{errorText(f.code, f.error)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <p>
        <Link to="/outbox">{t("outbox.title")}</Link>
      </p>
    </div>
  );
}

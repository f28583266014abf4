import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { BRUSSELS_ZONE, shiftMonth } from "../domain/time/brussels";
import { localeOf } from "../i18n";
import { useLang, useT } from "../i18n/react";
import { monthArchive, publicationsInOrder } from "../services/archive.server";
import { actorOf } from "../services/audit.server";
import { requirePermission } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "audit.read");
  const archive = await monthArchive(context.app, params.month ?? "", actorOf(user));
  if (!archive) throw new Response("Not Found", { status: 404 });
  const publications = publicationsInOrder(archive).map(({ item, publication: p }) => ({
    id: p.id,
    itemId: item.id,
    at: p.publishedAt,
    channel: p.channel.name,
    languages: p.languages,
    text: p.text ?? "",
    remoteUrl: p.remoteUrl,
    author: item.author.name,
    approvers: [...new Set(item.variants.map((v) => v.approvedBy).filter((a): a is string => !!a))].join(", "),
    exceptions: item.exceptions.length,
  }));
  return { month: archive.month, items: archive.items.length, publications };
}

/** The month's archive: what was published, by whom, to hand to the State Archives as JSON or CSV. */
export default function ArchivePage() {
  const { month, items, publications } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = localeOf(useLang());
  const exportUrl = (query: string) => `/archive/${month}/export?${query}`;
  return (
    <div className="archive-page">
      <h1>{t("archive.title", { month: DateTime.fromFormat(month, "yyyy-MM").setLocale(locale).toFormat("LLLL yyyy") })}</h1>
      <p className="hint">{t("archive.intro")}</p>
      <nav className="month-nav" aria-label={t("archive.months")}>
        <Link to={`/archive/${shiftMonth(month, -1)}`}>← {t("archive.previous")}</Link> <Link to={`/archive/${shiftMonth(month, 1)}`}>{t("archive.next")} →</Link>
      </nav>
      <Form method="get" action="/archive" className="card">
        <div className="field">
          <label htmlFor="archive-month">{t("archive.month")}</label>
          <input id="archive-month" name="month" type="month" defaultValue={month} required />
        </div>
        <button type="submit">{t("archive.show")}</button>
      </Form>
      <p data-testid="archive-summary">{t("archive.summary", { publications: publications.length, items })}</p>
      <p className="archive-downloads">
        <a href={exportUrl("format=json")} download>
          {t("archive.download.json")}
        </a>{" "}
        · <a href={exportUrl("format=csv")} download>
          {t("archive.download.csv")}
        </a>{" "}
        · <a href={exportUrl("format=csv&sep=semicolon")} download>
          {t("archive.download.csvSemicolon")}
        </a>{" "}
        · <a href={exportUrl("format=csv&part=answers")} download>
          {t("archive.download.answers")}
        </a>
      </p>
      {publications.length === 0 ? (
        <p className="hint">{t("archive.none")}</p>
      ) : (
        <table className="work-table" data-testid="archive-publications">
          <thead>
            <tr>
              <th scope="col">{t("archive.col.when")}</th>
              <th scope="col">{t("archive.col.channel")}</th>
              <th scope="col">{t("archive.col.text")}</th>
              <th scope="col">{t("archive.col.people")}</th>
              <th scope="col">{t("archive.col.link")}</th>
            </tr>
          </thead>
          <tbody>
            {publications.map((p) => (
              <tr key={p.id}>
                <td>{p.at ? DateTime.fromISO(p.at, { zone: BRUSSELS_ZONE }).setLocale(locale).toFormat("d LLL HH:mm") : ""}</td>
                <td>
                  {p.channel} <span className="hint">({p.languages})</span>
                </td>
                <td className="archive-text">{p.text}</td>
                <td>
                  {t("archive.people", { author: p.author, approvers: p.approvers || "—" })}
                  {p.exceptions > 0 ? <> · {t("archive.withException")}</> : null} · <Link to={`/items/${p.itemId}/history`}>{t("archive.history")}</Link>
                </td>
                <td>{p.remoteUrl ? <a href={p.remoteUrl}>{t("archive.open")}</a> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { StatusBadge } from "../components/status-badge";
import { localeOf, type MessageKey } from "../i18n";
import { useLang, useT } from "../i18n/react";
import { currentMonth, monthPlan } from "../services/plan.server";
import { requirePermission } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = context.app;
  await requirePermission(ctx, request, "plan.read");
  const requested = new URL(request.url).searchParams.get("month");
  const plan = await monthPlan(ctx, requested ?? currentMonth(ctx));
  if (!plan) throw new Response("Not Found", { status: 404 });
  return plan;
}

function firstWords(text: string, max = 90): string {
  return text.length <= max ? text : `${text.slice(0, max).replace(/\s+\S*$/, "")}…`;
}

export default function Plan() {
  const plan = useLoaderData<typeof loader>();
  const t = useT();
  const lang = useLang();
  const locale = localeOf(lang);
  const [year, month] = plan.month.split("-").map(Number) as [number, number];
  const monthLabel = new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, month - 1, 1)),
  );
  const dayLabel = (date: string) =>
    new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
  const channelById = new Map(plan.channels.map((c) => [c.id, c]));
  const textLang: "fr" | "nl" = lang === "nl" ? "nl" : "fr";
  return (
    <div className="plan-page">
      <div className="page-heading">
        <h1>{t("plan.title", { month: monthLabel })}</h1>
        <p className="plan-spreadsheet">
          {t("plan.export.title")}: <a href={`/plan/export?month=${plan.month}&format=xlsx`}>{t("plan.export.xlsx")}</a> ·{" "}
          <a href={`/plan/export?month=${plan.month}&format=csv`}>{t("plan.export.csv")}</a> ·{" "}
          <a href={`/plan/export?month=${plan.month}&format=csv&sep=semicolon`}>{t("plan.export.csvSemicolon")}</a> · <Link to="/plan/import">{t("plan.import.link")}</Link>
        </p>
        <nav className="month-nav" aria-label={monthLabel}>
          <Link to={`/plan?month=${plan.previousMonth}`} rel="prev">
            ← {t("plan.previous")}
          </Link>
          <Link to={`/plan?month=${plan.nextMonth}`} rel="next">
            {t("plan.next")} →
          </Link>
        </nav>
      </div>

      <section aria-labelledby="coverage-title" className="coverage">
        <h2 id="coverage-title">{t("plan.coverage.title")}</h2>
        <ul className="coverage-list">
          {plan.coverage.map((c) => {
            const channel = channelById.get(c.channelId);
            return (
              <li key={c.channelId}>
                <span className="channel-name">
                  {channel?.name} ({channel ? t(`channelLanguage.${channel.language}` as MessageKey) : ""})
                </span>
                <meter min={0} max={c.totalDays} value={c.coveredDays} aria-hidden="true" />
                <span>{t("plan.coverage.days", { covered: c.coveredDays, total: c.totalDays })}</span>
              </li>
            );
          })}
        </ul>
      </section>

      {plan.dayNotes.length > 0 ? (
        <section aria-labelledby="notes-title">
          <h2 id="notes-title">{t("plan.dayNotes")}</h2>
          <ul className="day-notes">
            {plan.dayNotes.map((n) => (
              <li key={n.id}>
                <strong>{dayLabel(n.localDate)}</strong> — {lang === "nl" ? n.textNl : n.textFr}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="items-title">
        <h2 id="items-title">{t("plan.items.title")}</h2>
        {plan.items.length === 0 ? (
          <p>{t("plan.empty")}</p>
        ) : (
          <table className="plan-table">
            <thead>
              <tr>
                <th scope="col">{t("plan.column.when")}</th>
                <th scope="col">{t("plan.column.text")}</th>
                <th scope="col">{t("plan.column.channels")}</th>
                <th scope="col">{t("plan.column.status")}</th>
              </tr>
            </thead>
            <tbody>
              {plan.items.map((item) => {
                const text = item.texts[textLang] ?? item.texts[textLang === "fr" ? "nl" : "fr"] ?? "";
                const missing = (["fr", "nl"] as const).filter((l) => !item.texts[l]);
                return (
                  <tr key={item.id}>
                    <td>
                      <time dateTime={`${item.localDate}T${item.localTime}`}>
                        {dayLabel(item.localDate)} {item.localTime}
                      </time>
                    </td>
                    <td>
                      <span lang={item.texts[textLang] ? textLang : textLang === "fr" ? "nl" : "fr"}>{firstWords(text)}</span>
                      {missing.map((l) => (
                        <span key={l} className="missing-language">
                          {" "}
                          ⚠ {t("plan.missingLanguage", { lang: l.toUpperCase() })}
                        </span>
                      ))}
                      {item.tags.length > 0 ? (
                        <ul className="tags">
                          {item.tags.map((tag) => (
                            <li key={tag.slug}>{lang === "nl" ? tag.labelNl : tag.labelFr}</li>
                          ))}
                        </ul>
                      ) : null}
                    </td>
                    <td>
                      {item.channelIds
                        .map((id) => channelById.get(id)?.name)
                        .filter(Boolean)
                        .join(", ")}
                    </td>
                    <td>
                      <StatusBadge status={item.status} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

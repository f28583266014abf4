import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { localeOf, type MessageKey } from "../i18n";
import { useLang, useT } from "../i18n/react";
import { itemHistory } from "../services/content-items.server";
import { requirePermission, safeRedirectTarget } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "plan.read");
  const events = await itemHistory(context.app, params.id ?? "");
  return { events, back: safeRedirectTarget(new URL(request.url).searchParams.get("back"), "/calendar") };
}

const KNOWN = new Set([
  "item.created",
  "item.updated",
  "item.duplicated",
  "item.archived",
  "item.submitted",
  "variant.translated",
  "item.approved",
  "item.rejected",
  "item.commented",
  "item.german_on",
  "item.german_off",
  "parity_exception.requested",
  "parity_exception.approved",
  "parity_exception.rejected",
  "parity_exception.withdrawn",
  "publication.published",
  "publication.failed",
  "publication.unconfirmed",
  "publication.confirmed",
  "publication.retried",
  "publication.cancelled",
  "publication.retry_scheduled",
]);

/** The publisher's outcomes say why: the network's error, as recorded with the outcome. */
const WITH_ERROR = new Set(["publication.failed", "publication.unconfirmed", "publication.retry_scheduled"]);

export default function ItemHistory() {
  const { events, back } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = localeOf(useLang());
  const describe = (e: (typeof events)[number]) => {
    if (e.action === "item.moved") {
      const b = e.before as { localDate?: string; localTime?: string } | null;
      const a = e.after as { localDate?: string; localTime?: string } | null;
      return t("history.item.moved", { from: `${b?.localDate ?? ""} ${b?.localTime ?? ""}`, to: `${a?.localDate ?? ""} ${a?.localTime ?? ""}` });
    }
    if (!KNOWN.has(e.action)) return t("history.other", { action: e.action });
    const error = WITH_ERROR.has(e.action) ? (e.after as { error?: string } | null)?.error : undefined;
    return error ? `${t(`history.${e.action}` as MessageKey)}: ${error}` : t(`history.${e.action}` as MessageKey);
  };
  return (
    <div className="item-history">
      <h1>{t("item.history.title")}</h1>
      {events.length === 0 ? (
        <p>{t("item.history.empty")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("item.history.when")}</th>
              <th scope="col">{t("item.history.who")}</th>
              <th scope="col">{t("item.history.what")}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>
                  <time dateTime={e.at}>{DateTime.fromISO(e.at, { zone: BRUSSELS_ZONE }).setLocale(locale).toFormat("d LLL yyyy HH:mm")}</time>
                </td>
                <td>{e.actor === "publisher" && !e.actorId ? t("history.actor.publisher") : e.actor}</td>
                <td>{describe(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <Link to={back}>{t("item.back")}</Link>
      </p>
    </div>
  );
}

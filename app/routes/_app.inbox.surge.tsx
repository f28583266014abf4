import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { HoldAllButton } from "../components/hold-all-button";
import { DateTime } from "luxon";
import { can } from "../domain/permissions";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { useT } from "../i18n/react";
import { surgeView } from "../services/inbox.server";
import { requirePermission } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "inbox.read");
  const view = await surgeView(context.app);
  return {
    surge: view.surge,
    count: view.count,
    usual: Math.round(view.usual * 10) / 10,
    canHold: can(user.roles, "publishing.hold"),
    messages: view.messages.map((m) => ({ conversationId: m.conversation_id, author: m.author_handle, channel: m.channel, text: m.text, at: DateTime.fromJSDate(m.written_at, { zone: BRUSSELS_ZONE }).toFormat("HH:mm") })),
  };
}

/** The early warning: the last hour's messages against the usual, and the crisis hold one click away. */
export default function SurgePage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="surge-page">
      <h1>{t("surge.title")}</h1>
      <p className="hint">{t("surge.intro")}</p>
      <p role="status" data-testid="surge-status">
        {t("surge.status", { count: data.count, usual: data.usual })} {data.surge ? null : t("surge.calm")}
      </p>
      {data.surge && data.canHold ? <HoldAllButton /> : null}
      <ul className="conversation-thread" data-testid="surge-messages">
        {data.messages.map((m, i) => (
          <li key={`${m.conversationId}-${i}`}>
            <div className="hint">
              {m.at} · {m.channel} · <Link to={`/inbox/${m.conversationId}`}>{m.author}</Link>
            </div>
            {m.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { useT } from "../i18n/react";
import { outboxMessages } from "../services/publishing-admin.server";
import { requirePermission } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "plan.read");
  const messages = await outboxMessages(context.app);
  return {
    messages: messages.map((m) => ({
      id: Number(m.id),
      channel: m.channel_name,
      received: DateTime.fromJSDate(m.received_at, { zone: BRUSSELS_ZONE }).toFormat("dd/MM/yyyy HH:mm:ss"),
      payload: m.payload as { text?: string; link?: string | null; languages?: string[]; itemId?: string },
    })),
  };
}

/** The local outbox: exactly what each outbox channel "published", newest first (the demo's network). */
export default function Outbox() {
  const { messages } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="outbox-page">
      <h1>{t("outbox.title")}</h1>
      <p className="hint">{t("outbox.explain")}</p>
      {messages.length === 0 ? <p>{t("outbox.empty")}</p> : null}
      <ol className="outbox" reversed>
        {messages.map((m) => (
          <li key={m.id} id={`message-${m.id}`} className="card" data-testid="outbox-message">
            <p className="comment-meta">
              <strong>{m.channel}</strong> · {m.received} · {(m.payload.languages ?? []).map((l) => t(`language.${l as "fr" | "nl"}`)).join(" + ")}
              {m.payload.itemId ? (
                <>
                  {" "}
                  · <Link to={`/items/${m.payload.itemId}`}>{t("outbox.item")}</Link>
                </>
              ) : null}
            </p>
            <p className="comment-body">{m.payload.text}</p>
            {m.payload.link ? <p>{m.payload.link}</p> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}

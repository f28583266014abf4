import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { DateTime } from "luxon";
import { can } from "../domain/permissions";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { useT } from "../i18n/react";
import { actOnConversation, conversationView, decideReply, sendReply, someoneReplying, startedReplying, suggestedAnswers } from "../services/inbox.server";
import { requirePermission } from "../services/session.server";
import { readForm, refusalStatus } from "../services/validation.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

const local = (d: Date | null) => (d ? DateTime.fromJSDate(d, { zone: BRUSSELS_ZONE }).toFormat("dd/MM/yyyy HH:mm") : "");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = context.app;
  const user = await requirePermission(ctx, request, "inbox.read");
  const view = await conversationView(ctx, params.id ?? "");
  if (!view) throw new Response("Not Found", { status: 404 });
  const c = view.conversation;
  const [suggestions, replying] = await Promise.all([suggestedAnswers(ctx, c, view.messages), someoneReplying(ctx, user, c.id)]);
  // "Use this answer" works without JavaScript: the page comes back with the answer in the box.
  const chosen = suggestions.find((s) => s.slug === new URL(request.url).searchParams.get("answer"))?.answer ?? "";
  return {
    conversation: {
      id: c.id,
      version: c.version,
      citizen: c.citizen_handle,
      channel: c.channel_name,
      language: c.language,
      state: c.state,
      closeReason: c.close_reason,
      assigneeIsMe: c.assignee_id === user.id,
      itemId: c.content_item_id,
      due: local(c.due_at),
      firstResponse: local(c.first_response_at),
      watched: c.origin === "watch",
    },
    assigneeName: c.assignee_name,
    // The newest answer on the page (replies come oldest first): sending yours refuses it if another was sent since.
    lastReplyId: view.replies.at(-1)?.id ?? "",
    thread: view.thread.map((m) => ({ ...m, at: local(m.at) })),
    notes: view.notes.map((n) => ({ id: n.id, author: n.author_name, at: local(n.created_at), text: n.text })),
    canAnswer: can(user.roles, "inbox.answer"),
    // The answer waiting for a second approval; its author cannot decide on it.
    awaiting: view.awaiting ? { id: view.awaiting.id, author: view.awaiting.author, reasons: view.awaiting.reasons, mine: view.awaiting.authorId === user.id } : null,
    canApprove: can(user.roles, "inbox.approveReply"),
    suggestions,
    chosen,
    replying,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = context.app;
  const form = Object.fromEntries(await readForm(request));
  const user = await requirePermission(ctx, request, form.intent === "decide" ? "inbox.approveReply" : "inbox.answer");
  const id = params.id ?? "";
  if (form.intent === "typing") {
    const typing = await startedReplying(ctx, user, id);
    if (!typing.ok) return json({ ok: false as const, key: typing.key, intent: "typing", text: "", state: null }, { status: refusalStatus(typing.key) });
    return json({ ok: true as const, key: null, intent: "typing", text: "", state: null });
  }
  const result = form.intent === "reply" ? await sendReply(ctx, user, id, form) : form.intent === "decide" ? await decideReply(ctx, user, id, form) : await actOnConversation(ctx, user, id, form);
  const intent = typeof form.intent === "string" ? form.intent : "";
  if (!result.ok) return json({ ok: false as const, key: result.key, intent, text: typeof form.text === "string" ? form.text : "", state: null }, { status: result.key === "api.error.notFound" ? 404 : refusalStatus(result.key) });
  return json({ ok: true as const, key: null, intent, text: "", state: "state" in result && typeof result.state === "string" ? result.state : null });
}

/** Saying "I am typing" changes nothing on the page: no reload for it. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) => (formData?.get("intent") === "typing" ? false : defaultShouldRevalidate);

export default function ConversationPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // "Someone else is answering this": asked every 15 s; our own typing is said at most every 30 s.
  const presence = useFetcher<{ replying: string | null }>();
  const typing = useFetcher();
  const lastTyping = useRef(0);
  const { load } = presence;
  const conversationId = data.conversation.id;
  useEffect(() => {
    const timer = setInterval(() => load(`/inbox/${conversationId}/presence`), 15_000);
    return () => clearInterval(timer);
  }, [load, conversationId]);
  const replying = presence.data ? presence.data.replying : data.replying;
  const onTyping = () => {
    if (Date.now() - lastTyping.current < 30_000) return;
    lastTyping.current = Date.now();
    typing.submit({ intent: "typing" }, { method: "post" });
  };
  const navigation = useNavigation();
  const t = useT();
  const c = data.conversation;
  const open = c.state !== "closed";
  const busy = navigation.state !== "idle";
  return (
    <div className="conversation-page">
      <p>
        <Link to={`/inbox?queue=${c.language}`}>{t("conversation.back")}</Link>
      </p>
      <h1>{t("conversation.title", { citizen: c.citizen })}</h1>
      {c.watched ? <p className="hint">{t("conversation.watched")}</p> : null}
      <p data-testid="conversation-facts">
        {t("conversation.facts", { channel: c.channel, language: t(`language.${c.language}`), state: t(`inbox.state.${c.state}`), assignee: data.assigneeName ?? t("inbox.nobody") })}
        {c.closeReason ? ` · ${t(`inbox.reason.${c.closeReason}`)}` : ""}
      </p>
      <p>
        {t("conversation.due", { time: c.due })}
        {c.firstResponse ? ` · ${t("conversation.firstResponse", { time: c.firstResponse })}` : ""}
      </p>
      {c.itemId ? (
        <p>
          {t("conversation.about")} <Link to={`/items/${c.itemId}`}>{t("conversation.openPost")}</Link>
        </p>
      ) : null}
      {replying ? (
        <p role="status" className="form-error" data-testid="someone-replying">
          {t("conversation.someoneReplying", { name: replying })}
        </p>
      ) : null}
      {result && result.intent !== "typing" ? (
        <p role={result.ok ? "status" : "alert"} className={result.ok ? "form-ok" : "form-error"} data-testid="conversation-result">
          {result.ok
            ? t(
                result.state === "awaiting_approval"
                  ? "conversation.submitted"
                  : result.state === "rejected"
                    ? "conversation.rejected"
                    : result.intent === "decide"
                      ? "conversation.approved"
                      : result.intent === "reply"
                        ? "conversation.sent"
                        : "conversation.saved",
              )
            : t(result.key)}
        </p>
      ) : null}

      <section className="card" aria-labelledby="thread-title">
        <h2 id="thread-title">{t("conversation.thread")}</h2>
        <ol className="conversation-thread" data-testid="conversation-thread">
          {data.thread.map((m) => (
            <li key={m.key} className={m.ours ? "ours" : undefined}>
              <div className="hint">
                {m.ours ? t("conversation.ours", { name: m.who }) : m.who} · {m.at}
                {m.state ? ` · ${t(`conversation.replyState.${m.state as "sent"}`)}` : ""}
              </div>
              {m.text}
              {m.error ? <div className="hint">{m.error}</div> : null}
              {m.note ? <div className="hint">{t("conversation.decisionNote", { note: m.note })}</div> : null}
            </li>
          ))}
        </ol>
      </section>

      {data.awaiting ? (
        <section className="card" aria-labelledby="approval-title" data-testid="awaiting-approval">
          <h2 id="approval-title">{t("conversation.replyState.awaiting_approval")}</h2>
          <p>{t("conversation.awaiting", { reasons: data.awaiting.reasons.map((r) => (r === "channel" ? t("conversation.approvalReason.channel") : `« ${r} »`)).join(", ") })}</p>
          {data.canApprove && !data.awaiting.mine && open ? (
            <div className="approval-actions">
              <Form method="post">
                <input type="hidden" name="intent" value="decide" />
                <input type="hidden" name="decision" value="approve" />
                <input type="hidden" name="reply" value={data.awaiting.id} />
                <button type="submit" disabled={busy}>
                  {t("conversation.approve")}
                </button>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value="decide" />
                <input type="hidden" name="decision" value="reject" />
                <input type="hidden" name="reply" value={data.awaiting.id} />
                <div className="field">
                  <label htmlFor="reject-note">{t("conversation.rejectNote")}</label>
                  <input id="reject-note" name="note" maxLength={500} />
                </div>
                <button type="submit" className="secondary" disabled={busy}>
                  {t("conversation.reject")}
                </button>
              </Form>
            </div>
          ) : null}
        </section>
      ) : null}

      {data.canAnswer && open && !data.awaiting ? (
        <section className="card" aria-labelledby="reply-title">
          <h2 id="reply-title">{t("conversation.reply")}</h2>
          {data.suggestions.length > 0 ? (
            <div data-testid="suggested-answers">
              <h3>{t("conversation.suggestions")}</h3>
              <ul>
                {data.suggestions.map((s) => (
                  <li key={s.slug}>
                    <strong lang={c.language === "other" ? undefined : c.language}>{s.label}</strong>{" "}
                    {s.answer ? (
                      <Link to={`?answer=${encodeURIComponent(s.slug)}#reply-text`} preventScrollReset>
                        {t("conversation.useAnswer")}
                      </Link>
                    ) : (
                      <span className="hint">{t("conversation.noAnswer")}</span>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="reply" />
            <input type="hidden" name="seenReply" value={data.lastReplyId} />
            <label htmlFor="reply-text">{t("conversation.reply")}</label>
            <p className="hint" id="reply-hint">
              {t("conversation.replyHint", { channel: c.channel })}
            </p>
            <textarea
              id="reply-text"
              name="text"
              rows={4}
              maxLength={500}
              required
              aria-describedby="reply-hint"
              lang={c.language === "other" ? undefined : c.language}
              onInput={onTyping}
              defaultValue={result && !result.ok && result.intent === "reply" ? result.text : data.chosen}
              key={result?.ok && result.intent === "reply" ? "sent" : `draft-${data.chosen.length}`}
            />
            <button type="submit" disabled={busy}>
              {t("conversation.send")}
            </button>
          </Form>
        </section>
      ) : null}

      {data.canAnswer ? (
        <section className="card conversation-actions" aria-labelledby="triage-title">
          <h2 id="triage-title">{t("conversation.triage")}</h2>
          {open ? (
            <>
              <Form method="post">
                <input type="hidden" name="version" value={c.version} />
                <input type="hidden" name="intent" value="assign" />
                <input type="hidden" name="assignee" value={c.assigneeIsMe ? "nobody" : "me"} />
                <button type="submit">{c.assigneeIsMe ? t("conversation.unassign") : t("conversation.assignMe")}</button>
              </Form>
              {c.state !== "waiting" ? (
                <Form method="post">
                  <input type="hidden" name="version" value={c.version} />
                  <input type="hidden" name="intent" value="wait" />
                  <button type="submit">{t("conversation.wait")}</button>
                </Form>
              ) : null}
              <Form method="post">
                <input type="hidden" name="version" value={c.version} />
                <input type="hidden" name="intent" value="close" />
                <div className="field">
                  <label htmlFor="close-reason">{t("conversation.closeReason")}</label>
                  <select id="close-reason" name="reason">
                    {(["thanks", "spam", "off_topic", "handled_elsewhere"] as const).map((r) => (
                      <option key={r} value={r}>
                        {t(`inbox.reason.${r}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit">{t("conversation.close")}</button>
              </Form>
            </>
          ) : (
            <Form method="post">
              <input type="hidden" name="version" value={c.version} />
              <input type="hidden" name="intent" value="reopen" />
              <button type="submit">{t("conversation.reopen")}</button>
            </Form>
          )}
          <Form method="post">
            <input type="hidden" name="version" value={c.version} />
            <input type="hidden" name="intent" value="language" />
            <div className="field">
              <label htmlFor="queue-language">{t("conversation.moveTo")}</label>
              <select id="queue-language" name="language" defaultValue={c.language}>
                {(["fr", "nl", "other"] as const).map((l) => (
                  <option key={l} value={l}>
                    {t(`language.${l}`)}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">{t("conversation.move")}</button>
          </Form>
        </section>
      ) : null}

      <section className="card" aria-labelledby="notes-title">
        <h2 id="notes-title">{t("conversation.notes")}</h2>
        <ul data-testid="conversation-notes">
          {data.notes.map((n) => (
            <li key={n.id}>
              <span className="hint">
                {n.author} · {n.at}
              </span>{" "}
              {n.text}
            </li>
          ))}
        </ul>
        {data.canAnswer ? (
          <Form method="post" key={result?.ok && result.intent === "note" ? `note-${data.notes.length}` : "note"}>
            <input type="hidden" name="intent" value="note" />
            <label htmlFor="note-text">{t("conversation.note")}</label>
            <textarea id="note-text" name="text" rows={2} maxLength={2000} required />
            <button type="submit">{t("conversation.addNote")}</button>
          </Form>
        ) : null}
      </section>
    </div>
  );
}

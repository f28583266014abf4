import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { DateTime } from "luxon";
import { editorValuesFrom } from "../components/editor-values";
import { ItemEditor, type EditorValues } from "../components/item-editor";
import { PublicationsPanel, type PublicationView } from "../components/publications-panel";
import { ReviewPanel, type ReviewPanelData } from "../components/review-panel";
import { VisualsPanel, type VisualsPanelData } from "../components/visuals-panel";
import { StatusBadge } from "../components/status-badge";
import { PLANNING_STATUSES } from "../domain/pairing";
import type { MessageKey } from "../i18n";
import { can } from "../domain/permissions";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { useT } from "../i18n/react";
import { itemDetail } from "../services/content-items.server";
import { itemPublications } from "../services/publishing-admin.server";
import { reviewState } from "../services/review-queues.server";
import { editorOptions, handleItemAction } from "../services/item-form.server";
import { requirePermission, safeRedirectTarget } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(context.app, request, "plan.read");
  const detail = await itemDetail(context.app, params.id ?? "");
  if (!detail) throw new Response("Not Found", { status: 404 });
  const [review, publications] = await Promise.all([reviewState(context.app, user, detail.item.id), itemPublications(context.app, detail.item.id)]);
  if (!review) throw new Response("Not Found", { status: 404 });
  const local = (d: Date | null) => (d ? DateTime.fromJSDate(d, { zone: BRUSSELS_ZONE }).toFormat("dd/MM/yyyy HH:mm:ss") : null);
  const variant = (l: "fr" | "nl") => detail.variants.find((v) => v.language === l);
  const values: EditorValues = {
    localDate: detail.item.local_date,
    localTime: detail.item.local_time,
    occurrence: detail.item.occurrence,
    sourceLanguage: detail.item.source_language,
    frText: variant("fr")?.text ?? "",
    frLink: variant("fr")?.linkUrl ?? "",
    frAlt: variant("fr")?.imageAlt ?? "",
    nlText: variant("nl")?.text ?? "",
    nlLink: variant("nl")?.linkUrl ?? "",
    nlAlt: variant("nl")?.imageAlt ?? "",
    channelIds: detail.channelIds,
    tagIds: detail.tagIds,
  };
  const options = await editorOptions(context.app);
  const back = safeRedirectTarget(new URL(request.url).searchParams.get("back"), `/calendar/${detail.item.local_date.slice(0, 7)}`);
  const reviewData: ReviewPanelData = {
    itemId: detail.item.id,
    version: detail.item.version,
    back,
    languages: review.languages,
    reasons: review.reasons,
    publishable: review.publishable,
    planning: PLANNING_STATUSES.includes(detail.item.status),
    exception: review.exception ? { language: review.exception.language, reason: review.exception.reason, status: review.exception.status } : null,
    comments: review.comments.map((c) => ({
      id: c.id,
      authorName: c.authorName,
      body: c.body,
      createdAt: c.createdAt.toISOString(),
      at: DateTime.fromJSDate(c.createdAt, { zone: BRUSSELS_ZONE }).toFormat("dd/MM/yyyy HH:mm"),
    })),
    deadline: review.deadline,
    germanEnabled: review.germanEnabled,
    channelNames: Object.fromEntries(options.channels.map((c) => [c.id, c.name])),
    can: {
      write: can(user.roles, "item.write"),
      translate: can(user.roles, "variant.translate"),
      approve: can(user.roles, "item.approve"),
      comment: can(user.roles, "item.write") || can(user.roles, "variant.translate") || can(user.roles, "item.approve"),
    },
    approveRefusal: review.approveRefusal,
  };
  const visualsOf = (l: "fr" | "nl") =>
    (variant(l)?.visuals ?? []).map((v) => ({ hash: v.hash, alt: v.alt, sameInBothLanguages: v.sameInBothLanguages, containsText: v.containsText, thumbUrl: `/media/${v.hash}?size=thumb`, kind: v.kind }));
  const source = detail.item.source_language;
  const mayEdit = (l: "fr" | "nl") => (can(user.roles, "item.write") || (can(user.roles, "variant.translate") && l !== source)) && Boolean(variant(l)?.text);
  const visuals: VisualsPanelData = { itemId: detail.item.id, version: detail.item.version, sourceLanguage: source, visuals: { fr: visualsOf("fr"), nl: visualsOf("nl") }, canEdit: { fr: mayEdit("fr"), nl: mayEdit("nl") } };
  return {
    ...options,
    visuals,
    review: reviewData,
    publications: publications.map(
      (p): PublicationView => ({
        id: p.id,
        channelName: p.channelName,
        network: p.network,
        languages: p.languages,
        state: p.state,
        due: local(p.dueAt) ?? "",
        sent: local(p.sentAt),
        remoteUrl: p.remoteUrl,
        attempts: p.attempts,
        nextAttempt: local(p.nextAttemptAt),
        errorCode: p.errorCode,
        error: p.error,
      }),
    ),
    canManagePublications: can(user.roles, "publication.manage"),
    id: detail.item.id,
    status: detail.item.status,
    version: detail.item.version,
    values,
    authorName: detail.authorName,
    canWrite: can(user.roles, "item.write"),
    back,
  };
}

const REVIEW_DONE: Record<string, MessageKey> = {
  submit: "review.done.submit",
  approve: "review.done.approve",
  reject: "review.done.reject",
  german: "review.done.saved",
  "exception-request": "review.done.exceptionRequest",
  "exception-decide": "review.done.exceptionDecide",
  "exception-withdraw": "review.done.saved",
  comment: "review.done.comment",
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(context.app, request, "item.write");
  return await handleItemAction(context.app, user, params.id ?? "", request);
}

export default function EditItem() {
  const data = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const initial = failed && !failed.conflict ? editorValuesFrom(failed.values) : data.values;
  return (
    <div className="item-page">
      <h1>{t("item.edit.title")}</h1>
      <p>
        <StatusBadge status={data.status} /> · {t("item.author", { name: data.authorName })} ·{" "}
        <Link to={`/items/${data.id}/history?back=${encodeURIComponent(data.back)}`}>{t("item.history")}</Link>
      </p>
      {params.get("saved") ? <p role="status" className="form-ok">{t("item.saved")}</p> : null}
      {params.get("withdrawn") ? <p role="status" className="form-warn">{t("item.approvalWithdrawn")}</p> : null}
      {params.get("review") ? (
        <p role="status" className="form-ok">
          {t(REVIEW_DONE[params.get("review") ?? ""] ?? "review.done.saved")}
        </p>
      ) : null}
      {params.get("duplicated") ? <p role="status" className="form-ok">{t("item.duplicated")}</p> : null}
      {failed?.conflict ? (
        <p role="alert" className="form-error">
          {t("item.conflictBy", { name: failed.conflict.byName, time: DateTime.fromISO(failed.conflict.at, { zone: BRUSSELS_ZONE }).toFormat("dd/MM HH:mm") })}
        </p>
      ) : null}
      <ItemEditor
        key={`${data.version}-${JSON.stringify(failed?.values ?? {})}`}
        initial={initial}
        version={data.version}
        channels={data.channels}
        questions={data.questions}
        errors={failed?.errors ?? {}}
        back={data.back}
        readOnly={!data.canWrite}
        visuals={data.visuals.visuals}
      />
      <VisualsPanel data={data.visuals} />
      <PublicationsPanel publications={data.publications} canManage={data.canManagePublications} />
      <ReviewPanel data={data.review} />
    </div>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ItemEditor, type EditorValues } from "../components/item-editor";
import { useT } from "../i18n/react";
import { editorOptions, handleItemAction } from "../services/item-form.server";
import { gapQuestions } from "../services/questions.server";
import { requirePermission, safeRedirectTarget } from "../services/session.server";
import { editorValuesFrom } from "../components/editor-values";

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "item.write");
  const url = new URL(request.url);
  const date = url.searchParams.get("date");
  const validDate = date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : "";
  // Opened from an empty day of the calendar: the questions to cover first.
  const gaps = validDate && url.searchParams.get("gap") ? await gapQuestions(context.app, validDate) : [];
  const options = await editorOptions(context.app);
  // …and the channels that are empty that day, ticked.
  const wanted = new Set(url.searchParams.getAll("channel"));
  return {
    ...options,
    channelIds: options.channels.filter((c) => wanted.has(c.id)).map((c) => c.id),
    gapQuestions: gaps.map((g) => ({ id: g.id, daysSince: g.daysSince, volume: g.volume })),
    date: validDate,
    back: safeRedirectTarget(url.searchParams.get("back"), "/calendar"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(context.app, request, "item.write");
  return await handleItemAction(context.app, user, null, request);
}

export default function NewItem() {
  const data = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const initial: EditorValues = failed
    ? editorValuesFrom(failed.values)
    : { ...editorValuesFrom({}), localDate: data.date, localTime: "09:00", channelIds: data.channelIds };
  return (
    <div className="item-page">
      <h1>{t("item.new.title")}</h1>
      <ItemEditor key={JSON.stringify(failed?.values ?? {})} initial={initial} channels={data.channels} questions={data.questions} gapQuestions={data.gapQuestions} errors={failed?.errors ?? {}} back={data.back} readOnly={false} />
    </div>
  );
}

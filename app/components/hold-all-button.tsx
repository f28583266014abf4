import { Form } from "@remix-run/react";
import { useT } from "../i18n/react";

/** The crisis hold in one click, offered where a surge of citizens' messages shows (posts to /publishing, which checks the permission). */
export function HoldAllButton() {
  const t = useT();
  return (
    <Form method="post" action="/publishing" className="inline-form">
      <input type="hidden" name="intent" value="hold" />
      <input type="hidden" name="scope" value="all" />
      <input type="hidden" name="reason" value={t("surge.holdReason")} />
      <button type="submit">{t("surge.hold")}</button>
    </Form>
  );
}

import { Link } from "@remix-run/react";
import { useT } from "../i18n/react";

/** The page shown for 403, 404 and anything unexpected: translated, and never a stack trace. */
export function ErrorPage({ status, standalone = true }: { status: number; standalone?: boolean }) {
  const t = useT();
  const [title, body] =
    status === 403
      ? [t("error.forbidden.title"), t("error.forbidden.body")]
      : status === 404
        ? [t("error.notFound.title"), t("error.notFound.body")]
        : [t("error.unexpected.title"), t("error.unexpected.body")];
  const Wrapper = standalone ? "main" : "section";
  return (
    <Wrapper className="error-page" id={standalone ? "main" : undefined}>
      <h1>
        {title} <span className="error-status">({status})</span>
      </h1>
      <p>{body}</p>
      <p>
        <Link to="/plan">{t("error.backHome")}</Link>
      </p>
    </Wrapper>
  );
}

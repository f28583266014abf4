import { Form } from "@remix-run/react";
import { DateTime } from "luxon";
import type { ReactNode } from "react";
import { BRUSSELS_ZONE } from "../domain/time/brussels";
import { localeOf } from "../i18n";
import { useLang, useT } from "../i18n/react";

/** A secret shown once, right after it was created (a feed address, an API token), ready to copy. */
export function OneTimeSecret(props: { message: string; label: string; value: string; testId: string }) {
  return (
    <div role="status" className="card">
      <p>{props.message}</p>
      <label htmlFor={props.testId}>{props.label}</label>
      <input id={props.testId} readOnly value={props.value} onFocus={(e) => e.currentTarget.select()} className="feed-url" data-testid={props.testId} />
    </div>
  );
}

/** "active · Revoke" for one feed or token, or "revoked". */
export function RevokeCell(props: { id: string; name: string; revoked: boolean; activeLabel: string; revokedLabel: string; revokeLabel: string }) {
  if (props.revoked) return <>{props.revokedLabel}</>;
  return (
    <Form method="post">
      {props.activeLabel} <input type="hidden" name="id" value={props.id} />
      <button type="submit" name="intent" value="revoke" className="link-button" aria-label={`${props.revokeLabel}: ${props.name}`}>
        {props.revokeLabel}
      </button>
    </Form>
  );
}

/**
 * A person's feeds or tokens: name, what it covers, when it was last used (Brussels time, in the
 * page's language), and whether it is active — with its revoke button — or revoked.
 */
export function SecretsTable(props: {
  columns: { name: string; detail: string; lastUsed: string; state: string };
  revokeLabel: string;
  rows: { id: string; name: string; detail: ReactNode; lastUsedAt: string | null; revokedAt: string | null }[];
}) {
  const t = useT();
  const locale = localeOf(useLang());
  return (
    <table className="work-table">
      <thead>
        <tr>
          <th scope="col">{props.columns.name}</th>
          <th scope="col">{props.columns.detail}</th>
          <th scope="col">{props.columns.lastUsed}</th>
          <th scope="col">{props.columns.state}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.id}>
            <td>{row.name}</td>
            <td>{row.detail}</td>
            <td>{row.lastUsedAt ? DateTime.fromISO(row.lastUsedAt, { zone: BRUSSELS_ZONE }).setLocale(locale).toFormat("d LLL yyyy HH:mm") : t("feeds.never")}</td>
            <td>
              <RevokeCell id={row.id} name={row.name} revoked={!!row.revokedAt} activeLabel={t("feeds.active")} revokedLabel={t("feeds.revoked")} revokeLabel={props.revokeLabel} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

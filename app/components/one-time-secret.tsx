import { Form } from "@remix-run/react";

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

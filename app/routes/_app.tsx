import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { AppShell } from "../components/app-shell";
import { ErrorPage } from "../components/error-page";
import { useRootData } from "../i18n/react";
import { liveHolds } from "../services/publishing-admin.server";
import { requireUser } from "../services/session.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  // Every page says when publishing is held, and why.
  const holds = await liveHolds(context.app);
  return {
    user: { displayName: user.display_name, roles: user.roles },
    holds: holds.map((h) => ({ id: h.id, scope: h.scope, channelName: h.channelName, language: h.language, reason: h.reason })),
  };
}

export default function AppLayout() {
  const { user, holds } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user} holds={holds}>
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const root = useRootData();
  if (!root?.user) return <ErrorPage status={status} />;
  return (
    <AppShell user={root.user}>
      <ErrorPage status={status} standalone={false} />
    </AppShell>
  );
}

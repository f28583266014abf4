import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { AppShell } from "../components/app-shell";
import { ErrorPage } from "../components/error-page";
import { useRootData } from "../i18n/react";
import { liveHolds } from "../services/publishing-admin.server";
import { can } from "../domain/permissions";
import { surgeStatus } from "../services/inbox.server";
import { schedulerStatus } from "../services/scheduler-health.server";
import { diskState, megabytes } from "../services/disk.server";
import { requireUser } from "../services/session.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  // Every page says when publishing is held, and why.
  // …and when posts are not going out because the scheduler is not running.
  // …and, to those who can hold publishing, when citizens write far more than usual.
  const canHold = can(user.roles, "publishing.hold");
  const [holds, scheduler, surge] = await Promise.all([liveHolds(context.app), schedulerStatus(context.app), canHold ? surgeStatus(context.app) : null]);
  // …and when the server's disk is nearly full, which pauses publishing.
  const disk = diskState(context.app);
  return {
    surge: surge?.surge ? { count: surge.count, usual: Math.round(surge.usual * 10) / 10, canHold: holds.every((h) => h.scope !== "all") } : null,
    schedulerDown: scheduler.state === "restarting" ? ("restarting" as const) : scheduler.state === "down" ? ("down" as const) : null,
    diskLow: disk.low ? { freeMb: megabytes(disk.freeBytes) } : null,
    user: { displayName: user.display_name, roles: user.roles },
    holds: holds.map((h) => ({ id: h.id, scope: h.scope, channelName: h.channelName, language: h.language, reason: h.reason })),
  };
}

export default function AppLayout() {
  const { user, holds, schedulerDown, diskLow, surge } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user} holds={holds} schedulerDown={schedulerDown} diskLow={diskLow} surge={surge}>
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

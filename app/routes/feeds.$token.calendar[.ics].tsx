import type { LoaderFunctionArgs } from "@remix-run/node";
import { feedCalendar } from "../services/feeds.server";

/** A private calendar feed (RFC 5545): the token in the address is the only credential. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const body = await feedCalendar(context.app, params.token ?? "");
  if (body === null) return new Response("Not Found\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'inline; filename="cadence.ics"',
      "Cache-Control": "private, max-age=300",
      "X-Robots-Tag": "noindex",
    },
  });
}

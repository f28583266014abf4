import type { LoaderFunctionArgs } from "@remix-run/node";
import { Readable } from "node:stream";
import { openMedia } from "../services/media.server";
import { requirePermission } from "../services/session.server";

/** GET /media/:hash (`?size=thumb` for the thumbnail) — a stored file, for the people who read the plan. Content-addressed: cached for good. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requirePermission(context.app, request, "plan.read");
  const thumb = new URL(request.url).searchParams.get("size") === "thumb";
  const file = await openMedia(context.app, params.hash ?? "", thumb ? "thumb" : "original");
  if (!file) throw new Response("Not Found", { status: 404 });
  return new Response(Readable.toWeb(file.body) as unknown as ReadableStream, {
    headers: {
      "Content-Type": file.contentType,
      ...(file.size !== null ? { "Content-Length": String(file.size) } : {}),
      "Cache-Control": "private, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
      "Content-Disposition": `inline; filename="${encodeURIComponent(thumb ? `${file.media.hash}.webp` : file.media.name)}"`,
    },
  });
}

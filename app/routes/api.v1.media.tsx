import type { ActionFunctionArgs } from "@remix-run/node";
import { apiUploadMedia } from "../services/api-media.server";
import { methodNotAllowed, withApi } from "../services/api.server";

/** POST /api/v1/media — upload an image into the media library (the file is the body). */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(request, "POST");
  return await withApi(context.app, request, { action: "plan.read", write: true }, (caller) => apiUploadMedia(context.app, caller, request));
}

export function loader({ request }: { request: Request }) {
  return methodNotAllowed(request, "POST");
}

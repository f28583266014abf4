import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson } from "../services/api.server";
import { openApiDocument } from "../services/openapi.server";

/** GET /api/v1/openapi.json — public: it describes the API, it holds no data. */
export function loader({ context }: LoaderFunctionArgs) {
  return apiJson(openApiDocument(context.app.config.publicUrl), 200, { "Cache-Control": "public, max-age=300" });
}

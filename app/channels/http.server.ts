import type { ErrorCode } from "./types";

export type HttpResult =
  | { ok: true; response: Response; body: string; json: unknown }
  | { ok: false; sent: false; code: ErrorCode; detail: string }
  | { ok: false; sent: "maybe"; code: ErrorCode; detail: string };

/** Connection errors that prove the request never reached the server. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH", "ENETUNREACH", "CERT_HAS_EXPIRED", "ERR_TLS_CERT_ALTNAME_INVALID"]);

function causeCode(error: unknown): string {
  let e: unknown = error;
  for (let i = 0; i < 4 && e && typeof e === "object"; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return "";
}

/**
 * One HTTP call with a time limit. A response of any status is "ok" (the adapter reads it); a
 * failure is "not sent" only when the connection was never made — a timeout or a connection lost
 * after sending leaves the outcome unknown.
 */
export async function httpCall(fetchImpl: typeof fetch, url: string, init: RequestInit, timeoutMs: number): Promise<HttpResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, { ...init, signal: controller.signal, redirect: "manual" });
    const body = await response.text();
    let json: unknown = null;
    try {
      json = body ? (JSON.parse(body) as unknown) : null;
    } catch {
      // Not JSON (an HTML error page from a proxy): the adapter reads the status and the text.
      json = null;
    }
    return { ok: true, response, body, json };
  } catch (error) {
    const code = causeCode(error);
    if (NOT_SENT.has(code)) return { ok: false, sent: false, code: "network.unreachable", detail: code };
    if (controller.signal.aborted) return { ok: false, sent: "maybe", code: "network.timeout", detail: `no answer within ${timeoutMs} ms` };
    return { ok: false, sent: "maybe", code: "outcome_unknown", detail: code || (error instanceof Error ? error.message : String(error)) };
  } finally {
    clearTimeout(timer);
  }
}

/** The network's own words for an error body, short enough for a list. */
export function errorText(json: unknown, body: string, fallback: string): string {
  if (json && typeof json === "object") {
    const j = json as Record<string, unknown>;
    const inner = (j.error && typeof j.error === "object" ? (j.error as Record<string, unknown>) : null) ?? null;
    const parts = [inner?.message, j.detail, j.message, j.error_description, typeof j.error === "string" ? j.error : undefined, j.title].filter((x): x is string => typeof x === "string" && x !== "");
    if (parts.length > 0) return parts[0]!.slice(0, 500);
  }
  return (body.trim() || fallback).slice(0, 500);
}

/** What a failed call means when there is no response at all. */
export function withoutResponse(r: Extract<HttpResult, { ok: false }>) {
  return r.sent === false ? { kind: "retry" as const, code: r.code, detail: r.detail } : { kind: "unknown" as const, code: r.code, detail: r.detail };
}

import type { MoveAnswer } from "./calendar-types";

/** Asks the server to move an item; the answer says where it is now, whatever happened. */
export async function requestMove(itemId: string, target: { localDate: string; localTime: string; version: number; occurrence?: string }): Promise<MoveAnswer> {
  const body = new FormData();
  body.set("localDate", target.localDate);
  body.set("localTime", target.localTime);
  body.set("version", String(target.version));
  if (target.occurrence) body.set("occurrence", target.occurrence);
  try {
    const response = await fetch(`/items/${encodeURIComponent(itemId)}/move`, { method: "POST", body, headers: { Accept: "application/json" } });
    if (response.headers.get("content-type")?.includes("application/json")) return (await response.json()) as MoveAnswer;
    return { ok: false, error: response.status === 403 ? "forbidden" : "not_found" };
  } catch {
    // The network failed: the item stays where the server last said it was.
    return { ok: false, error: "not_found" };
  }
}

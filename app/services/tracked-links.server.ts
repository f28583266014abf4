import { randomBytes } from "node:crypto";
import { DateTime } from "luxon";
import { ensureTrackedLink, findTrackedLink, insertClicks } from "../../db/repositories/analytics";
import { codeFromBytes, CODE_PATTERN, looksLikeRobot, trackedUrl, withUtm } from "../domain/tracked-links";
import type { AppContext } from "./context.server";

/**
 * Tracked links, without tracking people (issue 17). A channel set to track links sends its posts
 * with Cadence's short address (`/l/<code>`, one per publication: per channel and language) in
 * place of the link; the address redirects to the post's own link with UTM parameters and counts
 * one click per request: its time, and whether the client is a robot. No address, cookie, user
 * agent or referrer is kept. Only the link the post carries can be reached: the destination comes
 * from the database, never from the request (no open redirect).
 */

/** The short address for a publication's link, the same on every attempt. */
export async function trackLink(ctx: AppContext, publicationId: string, target: string): Promise<string> {
  const code = await ensureTrackedLink(ctx.db, publicationId, target, codeFromBytes(randomBytes(8)));
  return trackedUrl(ctx.config.publicUrl, code);
}

type Resolved = { location: string } | null;

/**
 * The web process's redirector: destinations cached (a code's destination changes only if the post
 * is sent again with another link: the cache keeps a minute), clicks written in batches every
 * quarter second (one statement for a burst; a crash loses at most that quarter second of counts).
 */
export function linkRedirector(ctx: AppContext, options: { flushMs?: number; cacheSize?: number } = {}) {
  const cache = new Map<string, { value: Resolved; until: number }>();
  const cacheSize = options.cacheSize ?? 20_000;
  let queue: { code: string; at: Date; bot: boolean }[] = [];
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (queue.length === 0) return writing;
    const batch = queue;
    queue = [];
    writing = writing.then(() =>
      insertClicks(ctx.db, batch).catch((error: unknown) => {
        // The database is away: the counts of this batch are lost, the redirects still worked.
        ctx.log.warn("link clicks not recorded", { clicks: batch.length, error: error instanceof Error ? error.message : String(error) });
      }),
    );
    return writing;
  };
  const timer = setInterval(() => void flush(), options.flushMs ?? 250);
  timer.unref();

  async function resolve(code: string): Promise<Resolved> {
    const now = Date.now();
    const known = cache.get(code);
    if (known && known.until > now) return known.value;
    const row = await findTrackedLink(ctx.db, code);
    const value = row ? { location: withUtm(row.target, { network: row.network, languages: row.languages, month: DateTime.fromJSDate(row.dueAt, { zone: "Europe/Brussels" }).toFormat("yyyy-MM") }) } : null;
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
    cache.set(code, { value, until: now + 60_000 });
    return value;
  }

  return {
    /** Where a code leads (null: no such code) — the click is counted when it leads somewhere. */
    async follow(code: string, userAgent: string | undefined): Promise<Resolved> {
      if (!CODE_PATTERN.test(code)) return null;
      const found = await resolve(code);
      if (found) {
        queue.push({ code, at: new Date(), bot: looksLikeRobot(userAgent) });
        if (queue.length >= 1000) void flush();
      }
      return found;
    },
    flush,
    async stop(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}

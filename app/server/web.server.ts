import { createRequestHandler } from "@remix-run/express";
import { receiveFacebookWebhook, verifyFacebookSubscription } from "../services/facebook-webhook.server";
import { linkRedirector } from "../services/tracked-links.server";
import { diskState, megabytes } from "../services/disk.server";
import { schedulerStatus } from "../services/scheduler-health.server";
import { createWebMetrics, type WebMetrics } from "../services/prometheus.server";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { pingDatabase } from "../../db/client";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { PROJECT_ROOT } from "../../db/local-data";
import type { AppContext } from "../services/context.server";
import { lastBackup } from "../services/backups.server";
import { translator, type MessageKey } from "../i18n";
import { negotiateLanguage } from "../i18n/negotiate.server";

/** The Content-Security-Policy of every response: scripts from Cadence itself or with the nonce only. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Refused before Remix: one translated line of plain text, in the language the browser asks for. */
function sendRefusal(req: express.Request, res: express.Response, status: number, key: MessageKey): void {
  res.status(status).type("text/plain; charset=utf-8").send(`${translator(negotiateLanguage(req.headers["accept-language"]))(key)}\n`);
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export const BUILD_PATH = path.join(PROJECT_ROOT, "build", "index.cjs");

const require = createRequire(import.meta.url);

function loadBuild(): ServerBuild {
  if (!fs.existsSync(BUILD_PATH)) throw new Error(`No build at ${BUILD_PATH}: run "npm run build" first.`);
  return require(BUILD_PATH) as ServerBuild;
}

let loadedMtime = 0;

/** In development, `remix watch` rewrites the build: load the new one when its file changed. */
function loadLatestBuild(): ServerBuild {
  const mtime = fs.statSync(BUILD_PATH).mtimeMs;
  if (mtime !== loadedMtime) {
    delete require.cache[require.resolve(BUILD_PATH)];
    loadedMtime = mtime;
  }
  return loadBuild();
}

/** The HTTP application: static assets, health check, then every other request goes to Remix. */
const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

type WebApp = express.Express & { stopBackground?: () => Promise<void>; trackedLink?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean; metrics?: WebMetrics };

/**
 * Tracked links: /l/<code> redirects to the post's own link (with UTM parameters) and counts the
 * click; no cookie is set and nothing about the visitor is kept but a robot flag. Answered before
 * express and its middleware: it is the busiest address (every click on every post) and needs none
 * of the pages' machinery. Returns false for any other address.
 */
function trackedLinkHandler(ctx: AppContext, redirector: ReturnType<typeof linkRedirector>) {
  const headers = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'" };
  return (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const url = req.url ?? "";
    if (!url.startsWith("/l/") || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const code = url.slice(3).split(/[?#]/)[0] ?? "";
    const page = (status: number, title: MessageKey, body: MessageKey) => {
      const language = negotiateLanguage(req.headers["accept-language"]);
      const t = translator(language);
      res.writeHead(status, { ...headers, "Content-Type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(t(title))}</title></head><body><main><h1>${escapeHtml(t(title))}</h1><p>${escapeHtml(t(body))}</p></main></body></html>`);
    };
    redirector.follow(code, req.headers["user-agent"]).then(
      (found) => {
        if (!found) return page(404, "link.notFound.title", "link.notFound.body");
        res.writeHead(302, { ...headers, Location: found.location, "Content-Length": "0" });
        res.end();
      },
      (error: unknown) => {
        ctx.log.error("tracked link failed", { error: error instanceof Error ? error.message : String(error) });
        page(503, "link.unavailable.title", "link.unavailable.body");
      },
    );
    return true;
  };
}

export function createWebApp(ctx: AppContext, options: { dev?: boolean } = {}): WebApp {
  const app: WebApp = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  // Tracked links (/l/<code>) are answered before express: see `trackedLinkHandler`.
  const redirector = linkRedirector(ctx);
  app.stopBackground = () => redirector.stop();
  app.trackedLink = trackedLinkHandler(ctx, redirector);
  const metrics = createWebMetrics(ctx);
  app.metrics = metrics;
  app.use((req, res, next) => {
    // Server-Timing: how long the server took until it answered (loaders done, headers out), for
    // the browser's developer tools and for `npm run bench`.
    const started = process.hrtime.bigint();
    const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => express.Response;
    res.writeHead = ((...args: unknown[]) => {
      if (!res.headersSent) {
        res.setHeader("Server-Timing", `app;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)}`);
        // Answered before the body was read (refused early: 401, 403, 405…): this connection
        // closes after the answer, so the client does not send its next request into a socket
        // that still holds the unread rest of this body.
        if (!req.complete) res.setHeader("Connection", "close");
      }
      return writeHead(...args);
    }) as typeof res.writeHead;
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Referrer-Policy", "same-origin");
    // No inline script runs but Remix's own, which carry this response's nonce; styles may be inline
    // (the calendar positions its events with style attributes).
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
    if (ctx.config.production) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  });
  // An address whose percent-encoding is broken (%ZZ, %FF, a cut sequence) reaches nothing: a 400.
  app.use((req, res, next) => {
    try {
      decodeURIComponent(req.path);
      next();
    } catch {
      sendRefusal(req, res, 400, "error.badAddress");
    }
  });
  // Meta's page webhook: no cookie, no origin; it proves itself by the app secret's signature of
  // the raw body (so the body is read raw, 1 MB at most).
  app.get("/webhooks/facebook", (req, res) => {
    const answer = verifyFacebookSubscription(ctx, new URL(req.originalUrl, "http://local").searchParams);
    res.status(answer.status).type("text/plain").send(answer.body);
  });
  app.post("/webhooks/facebook", express.raw({ type: () => true, limit: "1mb" }), (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    receiveFacebookWebhook(ctx, raw, req.get("x-hub-signature-256") ?? null).then(
      (answer) => res.status(answer.status).type("text/plain").send(""),
      (error: unknown) => {
        ctx.log.error("facebook webhook failed", { error: error instanceof Error ? error.message : String(error) });
        res.status(503).type("text/plain").send("");
      },
    );
  });
  // A state-changing request made with the session cookie must come from Cadence's own pages: its
  // Origin (or, failing that, its Referer) is this site. With SameSite=Lax cookies, this closes
  // the cross-site forms that Lax still lets through. API calls with a bearer token carry no cookie.
  const allowedOrigins = new Set([new URL(ctx.config.publicUrl).origin]);
  app.use((req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method) || /^Bearer\s/i.test(req.headers.authorization ?? "")) return next();
    const claimed = req.headers.origin ?? (req.headers.referer ? safeOrigin(req.headers.referer) : undefined);
    const own = `${req.protocol}://${req.headers.host ?? ""}`;
    if (claimed && (claimed === own || allowedOrigins.has(claimed))) return next();
    ctx.log.warn("cross-origin request refused", { method: req.method, path: req.path, origin: claimed ?? null });
    sendRefusal(req, res, 403, "error.origin");
  });
  app.use("/build", express.static(path.join(PROJECT_ROOT, "public", "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(PROJECT_ROOT, "public"), { maxAge: "1h" }));

  // 200 while the web can serve (the database answers): "ok", or "degraded" naming the part that is
  // not running (the scheduler: posts are not being sent). 503 when the database does not answer.
  app.get("/healthz", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    try {
      await pingDatabase(ctx.db);
    } catch (error) {
      ctx.log.warn("health check failed", { error });
      res.status(503).json({ status: "unavailable", reason: "database", database: "down" });
      return;
    }
    try {
      const scheduler = await schedulerStatus(ctx);
      const backup = lastBackup(ctx);
      const disk = diskState(ctx);
      const reason = disk.low ? "disk" : scheduler.state === "running" ? null : "scheduler";
      res.json({
        status: reason ? "degraded" : "ok",
        ...(reason ? { reason } : {}),
        database: "ok",
        scheduler: scheduler.state,
        ...(scheduler.restarts === null ? {} : { schedulerRestarts: scheduler.restarts }),
        disk: disk.low ? "low" : "ok",
        diskFreeMb: megabytes(disk.freeBytes),
        ...(backup ? { lastBackup: backup.at.toISOString() } : {}),
      });
    } catch (error) {
      ctx.log.warn("health check failed", { error });
      res.status(503).json({ status: "unavailable", reason: "database", database: "down" });
    }
  });

  // Prometheus metrics. With METRICS_TOKEN set, the scraper sends it as a bearer token; without it,
  // only this machine may read them.
  app.get("/metrics", async (req, res) => {
    const token = ctx.config.metricsToken;
    const local = ["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(req.socket.remoteAddress ?? "");
    if (token ? !sameSecret(req.headers.authorization ?? "", `Bearer ${token}`) : !local) {
      res.status(403).type("text/plain").send("Forbidden\n");
      return;
    }
    try {
      const body = await metrics.registry.metrics();
      res.type(metrics.registry.contentType).setHeader("Cache-Control", "no-store");
      res.send(body);
    } catch (error) {
      ctx.log.warn("metrics failed", { error });
      res.status(503).type("text/plain").send("unavailable\n");
    }
  });

  const mode = ctx.config.production ? "production" : "development";
  // A fresh scope per HTTP request: its loaders share what it looked up (the signed-in user), and
  // the client's address (behind the loopback proxy, as it forwards it) is known to sign-in.
  const getLoadContext = (req: express.Request, res: express.Response) => ({
    app: { ...ctx, requestScope: { address: req.ip } },
    cspNonce: typeof res.locals.cspNonce === "string" ? res.locals.cspNonce : undefined,
  });
  if (options.dev) {
    app.all("*", (req, res, next) => {
      const build = loadLatestBuild();
      metrics.setBuild(build);
      void createRequestHandler({ build, mode, getLoadContext })(req, res, next);
    });
  } else {
    const build = loadBuild();
    metrics.setBuild(build);
    app.all("*", createRequestHandler({ build, mode, getLoadContext }));
  }

  // Last resort: whatever escaped Remix becomes a plain 500 with no detail, and a log line with it.
  app.use((error: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
    ctx.log.error("unhandled request error", { path: req.path, error });
    if (res.headersSent) return next(error);
    res.status(500).type("text/plain").send("Internal error. Nothing was saved.");
  });
  return app;
}

export interface RunningWebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Compares a presented secret with the expected one in constant time (digests of equal length). */
function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(createHash("sha256").update(presented).digest(), createHash("sha256").update(expected).digest());
}

/** A start-up failure a person can act on: its message names the cause and the next step. */
export class StartUpProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartUpProblem";
  }
}

export async function startWebServer(ctx: AppContext, options: { port: number; host: string; dev?: boolean }): Promise<RunningWebServer> {
  const app = createWebApp(ctx, { dev: options.dev });
  const server = http.createServer((req, res) => {
    // Every answer, the tracked links' included, in the request-duration histogram of its route.
    const started = performance.now();
    res.once("finish", () => app.metrics?.observeRequest(req.method ?? "GET", (req.url ?? "/").split(/[?#]/)[0]!, res.statusCode, (performance.now() - started) / 1000));
    if (!app.trackedLink?.(req, res)) app(req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new StartUpProblem(`Port ${options.port} on ${options.host} is already taken by another program. Stop that program, or set PORT to a free port.`));
      else if (error.code === "EACCES") reject(new StartUpProblem(`Cadence may not listen on port ${options.port} (ports under 1024 need privileges). Set PORT to 1024 or above, and put a reverse proxy in front for port 80 or 443.`));
      else reject(error);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const shownHost = options.host === "0.0.0.0" || options.host === "127.0.0.1" || options.host === "::" ? "localhost" : options.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => void (app.stopBackground?.() ?? Promise.resolve()).then(() => resolve()));
        server.closeIdleConnections();
        // Requests still running after 10 s are cut; the database transaction they hold rolls back.
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      }),
  };
}

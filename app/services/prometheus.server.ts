import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { ServerBuild } from "@remix-run/node";
import client from "prom-client";
import { poolOf } from "../../db/client";
import { listHistogramTotals } from "../../db/repositories/metric-totals";
import { publicationCountsByState } from "../../db/repositories/publications";
import { TOTAL_HISTOGRAMS, parseLabelsKey } from "../domain/histogram";
import type { AppContext } from "./context.server";
import { diskState } from "./disk.server";
import { schedulerStatus } from "./scheduler-health.server";

/**
 * The metrics one web process serves at /metrics, through prom-client. Two kinds (docs/operations.md):
 * - this process's own: HTTP request durations per route, its database pool, Node's process
 *   metrics. Counters start at 0 with the process, as Prometheus expects of a restart;
 * - the installation's, read from the database at each scrape and the same from every web process:
 *   the all-time publish lag and job durations (histograms whose totals only grow, kept by the
 *   schedulers), publications by network and state, the scheduler's and the disk's state (gauges).
 */

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10];

export interface WebMetrics {
  registry: client.Registry;
  /** Observes one answered request under its route's name (never its address: bounded labels). */
  observeRequest(method: string, path: string, status: number, seconds: number): void;
  setBuild(build: ServerBuild): void;
}

type MetricValue = { labels: Record<string, string | number>; value: number; metricName?: string };

/** A metric whose values are read elsewhere at each scrape (the database), registered as prom-client formats it. */
function externalMetric(registry: client.Registry, name: string, help: string, type: "histogram" | "counter", values: () => Promise<MetricValue[]>): void {
  const metric = { name, help, type, aggregator: "sum", get: async () => ({ name, help, type, aggregator: "sum", values: await values() }) };
  registry.registerMetric(metric as unknown as client.Metric);
}

/** A read that several metrics of one scrape need: made once while it is in flight, again at the next scrape. */
function onePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => (pending ??= read().finally(() => (pending = null)));
}

/** Fixed addresses answered outside Remix, by their own name. */
const FIXED_ROUTES: [RegExp, string][] = [
  [/^\/l\//, "/l/:code"],
  [/^\/build\//, "/build/*"],
  [/^\/healthz$/, "/healthz"],
  [/^\/metrics$/, "/metrics"],
  [/^\/webhooks\/facebook$/, "/webhooks/facebook"],
];

/** The Remix build's flat route table as the router's tree, to name a request by its route's id. */
function routeTree(build: ServerBuild): AgnosticRouteObject[] {
  const children = new Map<string | undefined, AgnosticRouteObject[]>();
  for (const route of Object.values(build.routes)) {
    const list = children.get(route.parentId) ?? [];
    list.push({ id: route.id, path: route.path, index: route.index, caseSensitive: route.caseSensitive });
    children.set(route.parentId, list);
  }
  const attach = (routes: AgnosticRouteObject[]): AgnosticRouteObject[] =>
    routes.map((r) => (r.index ? r : { ...r, children: attach(children.get(r.id) ?? []) }) as AgnosticRouteObject);
  return attach(children.get(undefined) ?? []);
}

export function createWebMetrics(ctx: AppContext): WebMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  let routes: AgnosticRouteObject[] = [];
  let currentBuild: ServerBuild | null = null;

  const http = new client.Histogram({
    name: "cadence_http_request_duration_seconds",
    help: "Time from a request's arrival to its answer's end, by method, route and status class.",
    labelNames: ["method", "route", "status"],
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });

  const pool = poolOf(ctx.db);
  new client.Gauge({
    name: "cadence_db_pool_connections",
    help: "This process's database connections: open (total), idle, requests waiting for one, and the pool's maximum.",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      if (!pool) return;
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
      this.set({ state: "max" }, pool.options.max ?? 10);
    },
  });

  // The all-time histograms, kept by the schedulers in the database (app/services/metric-totals.server.ts).
  const sharedTotals = onePerScrape(() => listHistogramTotals(ctx.db));
  for (const [name, bounds] of Object.entries(TOTAL_HISTOGRAMS)) {
    const help =
      name === "cadence_publish_lag_seconds"
        ? "Time from a publication's scheduled instant to its network call, since the installation began, by network."
        : "Duration of each background job's run, since the installation began, by job and outcome (ok, failed, cancelled).";
    externalMetric(registry, name, help, "histogram", async () =>
      (await sharedTotals())
        .filter((t) => t.metric === name)
        .flatMap((t) => {
          const labels = parseLabelsKey(t.labels);
          return [
            ...bounds.map((le, i) => ({ labels: { ...labels, le }, value: t.buckets[i] ?? 0, metricName: `${name}_bucket` })),
            { labels: { ...labels, le: "+Inf" }, value: t.count, metricName: `${name}_bucket` },
            { labels, value: t.sum, metricName: `${name}_sum` },
            { labels, value: t.count, metricName: `${name}_count` },
          ];
        }),
    );
  }

  new client.Gauge({
    name: "cadence_publications",
    help: "Publications now in each state, by network (a gauge: they move from state to state).",
    labelNames: ["network", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const o of await publicationCountsByState(ctx.db)) this.set({ network: o.network, state: o.state }, o.count);
    },
  });

  const sharedScheduler = onePerScrape(() => schedulerStatus(ctx));
  new client.Gauge({
    name: "cadence_scheduler_up",
    help: "1 while a scheduler process is running, else 0 (down, starting or restarting).",
    registers: [registry],
    async collect() {
      this.set((await sharedScheduler()).state === "running" ? 1 : 0);
    },
  });
  new client.Gauge({
    name: "cadence_scheduler_heartbeat_age_seconds",
    help: "Seconds since the freshest scheduler heartbeat (absent before the first).",
    registers: [registry],
    async collect() {
      this.reset();
      const age = (await sharedScheduler()).heartbeatAgeSeconds;
      if (age !== null) this.set(Math.round(age * 10) / 10);
    },
  });
  externalMetric(registry, "cadence_scheduler_restarts_total", "Times the scheduler process died and was restarted by this web process's supervisor.", "counter", async () => {
    const restarts = (await sharedScheduler()).restarts;
    return restarts === null ? [] : [{ labels: {}, value: restarts }];
  });
  new client.Gauge({
    name: "cadence_data_disk_free_bytes",
    help: "Free bytes on the disk that holds Cadence's data folder.",
    registers: [registry],
    collect() {
      this.set(diskState(ctx).freeBytes);
    },
  });
  new client.Gauge({
    name: "cadence_data_disk_low",
    help: "1 while the free space is under DISK_MIN_FREE_MB (publishing paused), else 0.",
    registers: [registry],
    collect() {
      this.set(diskState(ctx).low ? 1 : 0);
    },
  });

  const routeOf = (path: string): string => {
    const fixed = FIXED_ROUTES.find(([pattern]) => pattern.test(path));
    if (fixed) return fixed[1];
    const matches = routes.length > 0 ? matchRoutes(routes, path) : null;
    return matches?.at(-1)?.route.id ?? "unmatched";
  };

  return {
    registry,
    setBuild: (build) => {
      if (build === currentBuild) return;
      currentBuild = build;
      routes = routeTree(build);
    },
    observeRequest: (method, path, status, seconds) => {
      http.observe({ method: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].includes(method) ? method : "other", route: routeOf(path), status: `${Math.floor(status / 100)}xx` }, seconds);
    },
  };
}

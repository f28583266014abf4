import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * One local HTTP server that behaves like the networks' publishing APIs, as documented in
 * shared/reference/channel-apis.md: Mastodon (Idempotency-Key, X-RateLimit-Reset as ISO), X
 * (x-rate-limit-reset epoch, 403 duplicate content, 402 credits), Bluesky (createSession,
 * createRecord with rkey, getRecord, RateLimit-Reset epoch), Facebook, LinkedIn and a Standard
 * Webhooks receiver. It counts every post it accepts, so tests can prove nothing arrived twice.
 *
 * A test scripts failures per network with `fail(network, ...answers)`: each answer is used once,
 * in order, before the normal behaviour resumes.
 */

export type FakeNetwork = "mastodon" | "x" | "bluesky" | "facebook" | "linkedin" | "webhook";

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Accept the post, then answer this (or hang): the client cannot know it went out. */
  acceptThen?: boolean;
  /** Wait this long before answering (longer than the client's timeout: a timeout). */
  delayMs?: number;
}

export interface ReceivedPost {
  network: FakeNetwork;
  text: string;
  key: string | null;
  at: number;
  id: string;
}

export interface FakeNetworks {
  url: string;
  posts: ReceivedPost[];
  /** Every request, accepted or not, with its time (ms since epoch). */
  calls: { network: FakeNetwork; path: string; at: number }[];
  fail(network: FakeNetwork, ...answers: ScriptedAnswer[]): void;
  /** Every post the networks accepted more than once (same key or same text on the same network). */
  duplicates(): ReceivedPost[];
  webhookSecret: string;
  close(): Promise<void>;
}

const WEBHOOK_SECRET = `whsec_${Buffer.from("cadence-test-webhook-secret-32by").toString("base64")}`;

export async function startFakeNetworks(options: { latencyMs?: number } = {}): Promise<FakeNetworks> {
  const posts: ReceivedPost[] = [];
  const calls: FakeNetworks["calls"] = [];
  const scripts = new Map<FakeNetwork, ScriptedAnswer[]>();
  const mastodonKeys = new Map<string, ReceivedPost>();
  const blueskyRecords = new Map<string, ReceivedPost>();
  const webhookIds = new Map<string, ReceivedPost>();
  const xRefreshTokens = new Set<string>(["x-refresh-1"]);
  const xCodes = new Map<string, { challenge: string; redirect: string }>();
  const fbCodes = new Set<string>();

  const accept = (network: FakeNetwork, text: string, key: string | null): ReceivedPost => {
    const post = { network, text, key, at: Date.now(), id: randomUUID() };
    posts.push(post);
    return post;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const url = new URL(req.url ?? "/", "http://fake");
        const path = url.pathname;
        const network: FakeNetwork | null = path.startsWith("/mastodon/")
          ? "mastodon"
          : path.startsWith("/x/")
            ? "x"
            : path.startsWith("/bluesky/")
              ? "bluesky"
              : path.startsWith("/facebook/")
                ? "facebook"
                : path.startsWith("/linkedin/")
                  ? "linkedin"
                  : path.startsWith("/webhook")
                    ? "webhook"
                    : null;
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          if (res.destroyed) return;
          res.writeHead(status, { "content-type": "application/json", ...headers });
          res.end(body === undefined ? "" : JSON.stringify(body));
        };
        if (!network) return send(404, { error: "Record not found" });
        calls.push({ network, path, at: Date.now() });
        const isPost = req.method === "POST" && !path.endsWith("createSession") && !path.includes("getRecord");
        const scripted = isPost ? scripts.get(network)?.shift() : undefined;
        const json = (() => {
          try {
            return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
          } catch {
            return Object.fromEntries(new URLSearchParams(raw));
          }
        })();
        const field = (name: string): string => (typeof json[name] === "string" ? json[name] : "");

        const normal = (): { status: number; body: unknown; headers?: Record<string, string> } => {
          switch (network) {
            case "mastodon": {
              if (req.headers.authorization !== "Bearer mastodon-token") return { status: 401, body: { error: "The access token is invalid" } };
              if (path.endsWith("/api/v1/accounts/verify_credentials")) return { status: 200, body: { id: "1", acct: "cadence" } };
              const key = String(req.headers["idempotency-key"] ?? "");
              const seen = key ? mastodonKeys.get(key) : undefined;
              const post = seen ?? accept("mastodon", field("status"), key || null);
              if (key) mastodonKeys.set(key, post);
              return { status: 200, body: { id: post.id, url: `https://fake.social/@cadence/${post.id}`, uri: `https://fake.social/users/cadence/statuses/${post.id}` } };
            }
            case "x": {
              if (path.endsWith("/oauth2/authorize")) {
                // The consent page, consented at once: back to Cadence with a code for this PKCE challenge.
                const code = `code-${randomUUID().slice(0, 8)}`;
                xCodes.set(code, { challenge: url.searchParams.get("code_challenge") ?? "", redirect: url.searchParams.get("redirect_uri") ?? "" });
                const back = new URL(url.searchParams.get("redirect_uri") ?? "http://invalid/");
                back.searchParams.set("code", code);
                back.searchParams.set("state", url.searchParams.get("state") ?? "");
                return { status: 302, body: {}, headers: { location: back.toString() } };
              }
              if (path.endsWith("/2/oauth2/token") && field("grant_type") === "authorization_code") {
                const basic = `Basic ${Buffer.from("cadence-client:cadence-secret").toString("base64")}`;
                const grant = xCodes.get(field("code"));
                const challenge = createHash("sha256").update(field("code_verifier")).digest("base64url");
                xCodes.delete(field("code"));
                if (req.headers.authorization !== basic || !grant || grant.challenge !== challenge || grant.redirect !== field("redirect_uri"))
                  return { status: 400, body: { error: "invalid_request", error_description: "Value passed for the authorization code was invalid." } };
                const refresh = `x-refresh-${randomUUID().slice(0, 8)}`;
                xRefreshTokens.add(refresh);
                return { status: 200, body: { token_type: "bearer", expires_in: 7200, access_token: "x-token", scope: "tweet.read tweet.write users.read offline.access", refresh_token: refresh } };
              }
              if (path.endsWith("/2/oauth2/token")) {
                // Rotating refresh tokens: each one works once.
                const given = field("refresh_token");
                const basic = `Basic ${Buffer.from("cadence-client:cadence-secret").toString("base64")}`;
                if (req.headers.authorization !== basic || field("grant_type") !== "refresh_token" || !xRefreshTokens.delete(given))
                  return { status: 400, body: { error: "invalid_request", error_description: "Value passed for the token was invalid." } };
                const next = `x-refresh-${randomUUID().slice(0, 8)}`;
                xRefreshTokens.add(next);
                return { status: 200, body: { token_type: "bearer", expires_in: 7200, access_token: "x-token", scope: "tweet.read tweet.write users.read offline.access", refresh_token: next } };
              }
              if (req.headers.authorization !== "Bearer x-token") return { status: 401, body: { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" } };
              if (path.endsWith("/2/users/me")) return { status: 200, body: { data: { id: "1", name: "Cadence", username: "cadence" } } };
              if (req.method === "GET" && path.endsWith("/2/users/1/tweets")) {
                // X shortens links to t.co in what it returns.
                const latest = posts.filter((p) => p.network === "x").slice(-20).reverse();
                return { status: 200, body: { data: latest.map((p) => ({ id: p.id, text: p.text.replace(/https?:\/\/\S+/g, "https://t.co/abc123") })) } };
              }
              const text = field("text");
              if (posts.some((p) => p.network === "x" && p.text === text))
                return { status: 403, body: { detail: "You are not allowed to create a Tweet with duplicate content.", type: "about:blank", title: "Forbidden", status: 403 } };
              const post = accept("x", text, null);
              return { status: 201, body: { data: { id: post.id, text } }, headers: { "x-rate-limit-remaining": "99", "x-rate-limit-reset": String(Math.floor(Date.now() / 1000) + 900) } };
            }
            case "bluesky": {
              if (path.endsWith("createSession")) return { status: 200, body: { accessJwt: "bsky-access", refreshJwt: "bsky-refresh", handle: "cadence.test", did: "did:plc:cadence" } };
              if (req.headers.authorization !== "Bearer bsky-access") return { status: 400, body: { error: "InvalidToken", message: "Token could not be verified" } };
              if (path.includes("getRecord")) {
                const rkey = url.searchParams.get("rkey") ?? "";
                return blueskyRecords.has(rkey)
                  ? { status: 200, body: { uri: `at://did:plc:cadence/app.bsky.feed.post/${rkey}`, cid: "bafy", value: {} } }
                  : { status: 400, body: { error: "RecordNotFound", message: "Could not locate record" } };
              }
              const rkey = field("rkey") || randomUUID();
              if (blueskyRecords.has(rkey)) return { status: 400, body: { error: "InvalidRequest", message: "There is already a value at key" } };
              const record = (json.record ?? {}) as { text?: string };
              blueskyRecords.set(rkey, accept("bluesky", String(record.text ?? ""), rkey));
              return { status: 200, body: { uri: `at://did:plc:cadence/app.bsky.feed.post/${rkey}`, cid: "bafy", commit: { cid: "bafy", rev: "1" }, validationStatus: "valid" } };
            }
            case "facebook": {
              const q = (name: string) => url.searchParams.get(name) ?? "";
              if (path.endsWith("/dialog/oauth")) {
                const code = `fb-code-${randomUUID().slice(0, 8)}`;
                fbCodes.add(code);
                const back = new URL(q("redirect_uri") || "http://invalid/");
                back.searchParams.set("code", code);
                back.searchParams.set("state", q("state"));
                return { status: 302, body: {}, headers: { location: back.toString() } };
              }
              if (path.endsWith("/oauth/access_token")) {
                if (q("client_id") !== "cadence-app" || q("client_secret") !== "cadence-app-secret") return { status: 400, body: { error: { message: "Error validating client secret.", type: "OAuthException", code: 1 } } };
                if (q("grant_type") === "fb_exchange_token") return { status: 200, body: { access_token: "fb-user-long", token_type: "bearer", expires_in: 5_184_000 } };
                if (!fbCodes.delete(q("code"))) return { status: 400, body: { error: { message: "This authorization code has been used.", type: "OAuthException", code: 100 } } };
                return { status: 200, body: { access_token: "fb-user-short", token_type: "bearer", expires_in: 3600 } };
              }
              if (path.endsWith("/me/accounts")) {
                if (q("access_token") !== "fb-user-long") return { status: 400, body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } } };
                return { status: 200, body: { data: [{ id: "123", name: "Cadence FR", access_token: "fb-token" }, { id: "456", name: "Autre page", access_token: "other" }] } };
              }
              if (req.method === "GET" && path.endsWith("/published_posts")) {
                if (q("access_token") !== "fb-token") return { status: 400, body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } } };
                const latest = posts.filter((p) => p.network === "facebook").slice(-25).reverse();
                return { status: 200, body: { data: latest.map((p) => ({ id: `123_${p.id}`, message: p.text })) } };
              }
              if (req.method === "GET" && /\/facebook\/[^/]+$/.test(path)) {
                return q("access_token") === "fb-token" ? { status: 200, body: { id: path.split("/").pop(), name: "Cadence FR" } } : { status: 400, body: { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } } };
              }
              if (json.access_token !== "fb-token") return { status: 400, body: { error: { message: "Error validating access token", type: "OAuthException", code: 190, error_subcode: 463 } } };
              const text = field("message");
              if (posts.some((p) => p.network === "facebook" && p.text === text)) return { status: 400, body: { error: { message: "Duplicate status message", type: "OAuthException", code: 506 } } };
              const post = accept("facebook", text, null);
              return { status: 200, body: { id: `123_${post.id}` } };
            }
            case "linkedin": {
              if (req.headers.authorization !== "Bearer li-token") return { status: 401, body: { serviceErrorCode: 65600, message: "Invalid access token", status: 401 } };
              const text = field("commentary");
              const dup = posts.find((p) => p.network === "linkedin" && p.text === text);
              if (dup)
                return {
                  status: 422,
                  body: { message: `Content is a duplicate of urn:li:share:${dup.id.replace(/\D/g, "").slice(0, 12) || "1"}`, errorDetails: { inputErrors: [{ code: "DUPLICATE_POST" }] }, status: 422 },
                };
              const post = accept("linkedin", text, null);
              return { status: 201, body: undefined, headers: { "x-restli-id": `urn:li:share:${post.id.replace(/\D/g, "").slice(0, 12) || "1"}` } };
            }
            case "webhook": {
              const id = String(req.headers["webhook-id"] ?? "");
              const ts = String(req.headers["webhook-timestamp"] ?? "");
              const expected = `v1,${createHmac("sha256", Buffer.from(WEBHOOK_SECRET.slice(6), "base64")).update(`${id}.${ts}.${raw}`).digest("base64")}`;
              const given = String(req.headers["webhook-signature"] ?? "");
              if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return { status: 401, body: { error: "bad signature" } };
              if (!webhookIds.has(id)) webhookIds.set(id, accept("webhook", String((json.data as { text?: string } | undefined)?.text ?? ""), id));
              return { status: 204, body: undefined };
            }
          }
        };

        if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
        if (scripted) {
          if (scripted.acceptThen) normal();
          if (scripted.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs));
          return send(scripted.status, scripted.body ?? {}, scripted.headers);
        }
        const answer = normal();
        send(answer.status, answer.body, answer.headers);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    calls,
    webhookSecret: WEBHOOK_SECRET,
    fail(network, ...answers) {
      scripts.set(network, [...(scripts.get(network) ?? []), ...answers]);
    },
    duplicates() {
      const seen = new Set<string>();
      const twice: ReceivedPost[] = [];
      for (const p of posts) {
        const k = `${p.network}|${p.key ?? p.text}`;
        if (seen.has(k)) twice.push(p);
        seen.add(k);
      }
      return twice;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

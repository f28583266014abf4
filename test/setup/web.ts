import { startWebServer, type RunningWebServer } from "../../app/server/web.server";
import type { AppContext } from "../../app/services/context.server";

/** The real web app (the Remix build behind express) on a free loopback port. */
export async function startTestServer(ctx: AppContext): Promise<RunningWebServer> {
  return await startWebServer(ctx, { port: 0, host: "127.0.0.1" });
}

/** A tiny cookie-keeping client for HTTP tests: follows nothing, so each redirect can be checked. */
export class Browserless {
  private cookies = new Map<string, string>();
  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async request(path: string, init: { method?: string; form?: Record<string, string | string[]>; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...this.headers, ...init.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: string | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const value of Array.isArray(v) ? v : [v]) params.append(k, value);
      body = params.toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers.origin = this.baseUrl;
    }
    const response = await fetch(this.baseUrl + path, { method: init.method ?? (init.form ? "POST" : "GET"), headers, body, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, location: response.headers.get("location"), text: await response.text(), headers: response.headers };
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }
}

/** A client signed in with a password (the sign-in answered with its redirect). */
export async function signedInClient(baseUrl: string, email: string, password: string, headers: Record<string, string> = { "accept-language": "en" }): Promise<Browserless> {
  const client = new Browserless(baseUrl, headers);
  const r = await client.request("/login", { form: { email, password, redirectTo: "" } });
  if (r.status !== 302) throw new Error(`sign-in of ${email} answered ${r.status}`);
  return client;
}

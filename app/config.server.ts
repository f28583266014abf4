import path from "node:path";
import { z } from "zod";
import type { Role } from "./domain/permissions";
import { parseRoleMap } from "./domain/sso-roles";
import { dataDirectory, loadOrCreateLocalSecrets, type Env } from "../db/local-data";

const booleanFlag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  CADENCE_DEMO: booleanFlag.optional(),
  CADENCE_DATA_DIR: z.string().optional(),
  CADENCE_DEMO_NETWORKS: booleanFlag.optional(),
  MEDIA_MAX_IMAGE_MB: z.coerce.number().int().min(1).max(200).default(20),
  MEDIA_MAX_VIDEO_MB: z.coerce.number().int().min(1).max(4096).default(512),
  MEDIA_S3_BUCKET: z.string().min(3).max(63).optional(),
  MEDIA_S3_ENDPOINT: z.string().url("must be a URL such as https://s3.example.be").optional(),
  MEDIA_S3_REGION: z.string().min(1).default("us-east-1"),
  FFPROBE_PATH: z.string().min(1).default("ffprobe"),
  FFMPEG_PATH: z.string().min(1).default("ffmpeg"),
  MEDIA_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  MEDIA_S3_FORCE_PATH_STYLE: booleanFlag.optional(),
  CADENCE_DEMO_NETWORKS_PORT: z.coerce.number().int().min(1).max(65535).default(4010),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  CREDENTIALS_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 random bytes, base64-encoded (openssl rand -base64 32)")
    .optional(),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(12),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  API_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(120),
  INBOX_RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(13),
  DISK_MIN_FREE_MB: z.coerce.number().int().min(16).max(1_000_000).default(200),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL, such as smtp://user:password@mail.example.be:587").optional(),
  MAIL_FROM: z.string().min(3).max(200).default("Cadence <cadence@localhost>"),
  PUBLIC_URL: z.string().url("must be a URL such as https://cadence.example.be").optional(),
  X_CLIENT_ID: z.string().min(1).optional(),
  X_CLIENT_SECRET: z.string().min(1).optional(),
  X_OAUTH_AUTHORIZE_URL: z.string().url().default("https://x.com/i/oauth2/authorize"),
  X_OAUTH_TOKEN_URL: z.string().url().default("https://api.x.com/2/oauth2/token"),
  LINKEDIN_CLIENT_ID: z.string().min(1).optional(),
  LINKEDIN_CLIENT_SECRET: z.string().min(1).optional(),
  LINKEDIN_OAUTH_AUTHORIZE_URL: z.string().url().default("https://www.linkedin.com/oauth/v2/authorization"),
  LINKEDIN_OAUTH_TOKEN_URL: z.string().url().default("https://www.linkedin.com/oauth/v2/accessToken"),
  FACEBOOK_APP_ID: z.string().min(1).optional(),
  FACEBOOK_APP_SECRET: z.string().min(1).optional(),
  FACEBOOK_OAUTH_AUTHORIZE_URL: z.string().url().default("https://www.facebook.com/v21.0/dialog/oauth"),
  FACEBOOK_GRAPH_URL: z.string().url().default("https://graph.facebook.com/v21.0"),
  FACEBOOK_WEBHOOK_VERIFY_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  OIDC_ISSUER: z.string().url("must be the identity provider's issuer URL").optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_SCOPES: z.string().min(1).default("openid email profile"),
  OIDC_ROLES_CLAIM: z.string().min(1).default("roles"),
  OIDC_ROLE_MAP: z
    .string()
    .refine((text) => parseRoleMap(text) !== null, "must read like cadence-editors=editor,cadence-admins=admin")
    .optional(),
  OIDC_NAME: z.string().min(1).max(60).optional(),
  OIDC_CREATE_USERS: booleanFlag.default(true),
  PASSWORD_SIGN_IN: booleanFlag.default(true),
});

/** Single sign-on with the administration's identity provider (OpenID Connect, code flow with PKCE). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  scopes: string;
  /** Where the roles are in the claims: a name, or a dotted path such as realm_access.roles. */
  rolesClaim: string;
  /** The provider's values and the Cadence role each gives; null: the values are the role names. */
  roleMap: Record<string, Role> | null;
  /** What the sign-in button names ("Sign in with …"); null: "your organisation's account". */
  name: string | null;
  /** Whether a person the provider vouches for, with a role, gets an account at first sign-in. */
  createUsers: boolean;
}

/** An OAuth 2.0 client Cadence is registered as with a network (authorization code with PKCE). */
export interface OAuthClient {
  clientId: string;
  clientSecret: string | null;
  authorizeUrl: string;
  tokenUrl: string;
  scope: string;
  /** X authenticates a confidential client with Basic auth; LinkedIn with form fields. */
  clientAuth: "basic" | "form";
  /** Facebook: the code gives a user token, exchanged for the page's own token (Graph API at this URL). */
  facebookGraphUrl?: string;
}

export interface AppConfig {
  nodeEnv: "development" | "production" | "test";
  production: boolean;
  /** Demo mode: embedded database, generated secrets, demo data and demo passwords. */
  demo: boolean;
  databaseUrl: string | undefined;
  port: number;
  host: string;
  dataDir: string;
  sessionSecret: string;
  credentialsKey: Buffer;
  sessionTtlHours: number;
  logLevel: "debug" | "info" | "warn" | "error";
  /** The address people reach Cadence at (OAuth redirects come back to it). */
  publicUrl: string;
  /** API requests per token (or signed-in user) per minute, per web process. */
  apiRateLimitPerMinute: number;
  /** Months a citizen's messages are kept after their conversation ended (answered or closed). */
  inboxRetentionMonths: number;
  /** The bearer token Prometheus sends for GET /metrics; null: only this machine may read them. */
  metricsToken: string | null;
  /** Below this much free space on the data folder's disk, publishing pauses and every page says so. */
  diskMinFreeBytes: number;
  /** Where e-mail goes out (overdue conversations); unset: in-app notices only. */
  smtpUrl: string | null;
  mailFrom: string;
  oauth: { x: OAuthClient | null; linkedin: OAuthClient | null; facebook: OAuthClient | null };
  oidc: OidcConfig | null;
  /** Where uploaded images and videos live, and how large they may be (docs/media.md). */
  media: MediaConfig;
  /** Demo only: the port of the local network stand-ins that citizens "write" to; null when off. */
  demoNetworksPort: number | null;
  /** The page webhook (comments pushed by Meta as they are written); null: comments are polled only. */
  facebookWebhook: { appSecret: string; verifyToken: string } | null;
  /** False when everyone signs in through the identity provider. */
  passwordSignIn: boolean;
}

export interface MediaConfig {
  maxImageBytes: number;
  maxVideoBytes: number;
  /** The data folder's media directory, used when no S3 storage is set. */
  directory: string;
  s3: { bucket: string; endpoint: string | null; region: string; accessKeyId: string | null; secretAccessKey: string | null; forcePathStyle: boolean } | null;
  /** Debian's ffmpeg, which reads a video's facts, removes its metadata and takes its thumbnail. */
  ffprobePath: string;
  ffmpegPath: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads and checks the environment once, at start-up; a missing or malformed setting stops the
 * start with a message naming it. In demo mode, missing secrets come from `.data/secrets.json`.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const demo = e.CADENCE_DEMO ?? !e.DATABASE_URL;
  const dataDir = dataDirectory(env);
  let sessionSecret = e.SESSION_SECRET;
  let credentialsKey = e.CREDENTIALS_KEY;
  if (!sessionSecret || !credentialsKey) {
    if (!demo) {
      const missing = [!sessionSecret && "SESSION_SECRET", !credentialsKey && "CREDENTIALS_KEY"].filter(Boolean).join(", ");
      throw new ConfigError(
        `Invalid configuration:\n  ${missing}: required outside demo mode (generate with: openssl rand -base64 32)`,
      );
    }
    const local = loadOrCreateLocalSecrets(dataDir);
    sessionSecret ??= local.sessionSecret;
    credentialsKey ??= local.credentialsKey;
  }
  if (e.OIDC_ISSUER && !e.OIDC_CLIENT_ID) throw new ConfigError("Invalid configuration:\n  OIDC_CLIENT_ID: required with OIDC_ISSUER");
  if (!e.PASSWORD_SIGN_IN && !e.OIDC_ISSUER) {
    throw new ConfigError("Invalid configuration:\n  PASSWORD_SIGN_IN: can be false only with single sign-on (OIDC_ISSUER), or nobody could sign in");
  }
  return {
    nodeEnv: e.NODE_ENV,
    production: e.NODE_ENV === "production",
    demo,
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    // A demo with printed passwords listens on this machine only, unless told otherwise.
    host: e.HOST ?? (demo ? "127.0.0.1" : "0.0.0.0"),
    dataDir,
    sessionSecret,
    credentialsKey: Buffer.from(credentialsKey, "base64"),
    sessionTtlHours: e.SESSION_TTL_HOURS,
    logLevel: e.LOG_LEVEL,
    apiRateLimitPerMinute: e.API_RATE_LIMIT,
    inboxRetentionMonths: e.INBOX_RETENTION_MONTHS,
    diskMinFreeBytes: e.DISK_MIN_FREE_MB * 1024 * 1024,
    metricsToken: e.METRICS_TOKEN ?? null,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    oauth: {
      x: e.X_CLIENT_ID
        ? { clientId: e.X_CLIENT_ID, clientSecret: e.X_CLIENT_SECRET ?? null, authorizeUrl: e.X_OAUTH_AUTHORIZE_URL, tokenUrl: e.X_OAUTH_TOKEN_URL, scope: "tweet.read tweet.write users.read offline.access", clientAuth: "basic" }
        : null,
      linkedin: e.LINKEDIN_CLIENT_ID
        ? { clientId: e.LINKEDIN_CLIENT_ID, clientSecret: e.LINKEDIN_CLIENT_SECRET ?? null, authorizeUrl: e.LINKEDIN_OAUTH_AUTHORIZE_URL, tokenUrl: e.LINKEDIN_OAUTH_TOKEN_URL, scope: "w_organization_social r_organization_social", clientAuth: "form" }
        : null,
      facebook:
        e.FACEBOOK_APP_ID && e.FACEBOOK_APP_SECRET
          ? {
              clientId: e.FACEBOOK_APP_ID,
              clientSecret: e.FACEBOOK_APP_SECRET,
              authorizeUrl: e.FACEBOOK_OAUTH_AUTHORIZE_URL,
              tokenUrl: `${e.FACEBOOK_GRAPH_URL.replace(/\/+$/, "")}/oauth/access_token`,
              scope: "pages_show_list,pages_manage_posts,pages_read_engagement,pages_read_user_content,pages_manage_engagement",
              clientAuth: "form",
              facebookGraphUrl: e.FACEBOOK_GRAPH_URL.replace(/\/+$/, ""),
            }
          : null,
    },
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID
        ? {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET ?? null,
            scopes: e.OIDC_SCOPES,
            rolesClaim: e.OIDC_ROLES_CLAIM,
            roleMap: e.OIDC_ROLE_MAP ? parseRoleMap(e.OIDC_ROLE_MAP) : null,
            name: e.OIDC_NAME ?? null,
            createUsers: e.OIDC_CREATE_USERS,
          }
        : null,
    media: {
      maxImageBytes: e.MEDIA_MAX_IMAGE_MB * 1024 * 1024,
      maxVideoBytes: e.MEDIA_MAX_VIDEO_MB * 1024 * 1024,
      directory: path.join(dataDir, "media"),
      ffprobePath: e.FFPROBE_PATH,
      ffmpegPath: e.FFMPEG_PATH,
      s3: e.MEDIA_S3_BUCKET
        ? {
            bucket: e.MEDIA_S3_BUCKET,
            endpoint: e.MEDIA_S3_ENDPOINT ?? null,
            region: e.MEDIA_S3_REGION,
            accessKeyId: e.MEDIA_S3_ACCESS_KEY_ID ?? null,
            secretAccessKey: e.MEDIA_S3_SECRET_ACCESS_KEY ?? null,
            // S3-compatible servers (MinIO, Ceph, Garage…) want the bucket in the path.
            forcePathStyle: e.MEDIA_S3_FORCE_PATH_STYLE ?? Boolean(e.MEDIA_S3_ENDPOINT),
          }
        : null,
    },
    demoNetworksPort: demo && e.CADENCE_DEMO_NETWORKS !== false ? e.CADENCE_DEMO_NETWORKS_PORT : null,
    facebookWebhook: e.FACEBOOK_APP_SECRET && e.FACEBOOK_WEBHOOK_VERIFY_TOKEN ? { appSecret: e.FACEBOOK_APP_SECRET, verifyToken: e.FACEBOOK_WEBHOOK_VERIFY_TOKEN } : null,
    passwordSignIn: e.PASSWORD_SIGN_IN,
  };
}

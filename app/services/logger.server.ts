type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Words that make a field a secret wherever they stand in its name (accessToken, app_password, CREDENTIALS_KEY). */
const SECRET_WORDS = new Set(["password", "passwd", "passphrase", "pass", "secret", "token", "tokens", "authorization", "cookie", "cookies", "credential", "credentials", "jwt", "signature"]);
/** "key" is a secret only after these words (apiKey, private_key); an idempotency key, a record key or a message key is not. */
const SECRET_KEY_PREFIXES = new Set(["api", "private", "secret", "signing", "encryption", "access", "client", "app", "hmac", "shared", "master", "webhook", "session", "license"]);

/** Whether a field's name says it holds a secret: by its words (camelCase, snake_case, kebab-case). */
export function isSecretField(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some((w, i) => SECRET_WORDS.has(w) || (w === "key" && i > 0 && SECRET_KEY_PREFIXES.has(words[i - 1]!)) || w === "apikey");
}

/**
 * Secrets that can hide inside ordinary text (a path, an error message): a bearer token, a calendar
 * feed's address, a query parameter named like a secret, and any long random-looking run (Cadence's
 * tokens are 43 base64url characters; provider and network tokens are as long or longer).
 */
const SECRET_IN_TEXT: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, "$1 [redacted]"],
  [/\/feeds\/[^/?#\s"]+/g, "/feeds/[redacted]"],
  [/([?&](?:code|state|token|access_token|refresh_token|id_token|client_secret|password)=)[^&#\s"]+/gi, "$1[redacted]"],
  [/[A-Za-z0-9_-]{40,}={0,2}/g, "[redacted]"],
];

function scrub(text: string): string {
  return SECRET_IN_TEXT.reduce((s, [pattern, replacement]) => s.replace(pattern, replacement), text);
}

/** Drops the value of any field whose name says it holds a secret, and secrets inside text, at any depth. */
function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrub(value);
  if (depth > 5 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    // Its cause (a driver's error under ours, a fetch failure's reason) is kept, redacted the same way.
    return { name: value.name, message: scrub(value.message), ...(value.stack ? { stack: scrub(value.stack.split("\n").slice(0, 8).join("\n")) } : {}), ...(value.cause !== undefined ? { cause: redact(value.cause, depth + 1) } : {}) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, isSecretField(k) ? "[redacted]" : redact(v, depth + 1)]),
  );
}

/** Structured JSON logs, one object a line, on stdout. */
export function createLogger(
  options: { level?: Level; base?: Record<string, unknown>; write?: (line: string) => void } = {},
): Logger {
  const min = order[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const base = options.base ?? {};
  const emit = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (order[level] < min) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, msg: scrub(message), ...(redact({ ...base, ...fields }) as object) }));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

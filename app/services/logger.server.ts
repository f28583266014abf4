type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const SECRET_FIELD = /pass(word)?|secret|token|authorization|cookie|credential|key$/i;

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
  if (value instanceof Error) return { name: value.name, message: scrub(value.message), ...(value.stack ? { stack: scrub(value.stack.split("\n").slice(0, 8).join("\n")) } : {}) };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? "[redacted]" : redact(v, depth + 1)]),
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

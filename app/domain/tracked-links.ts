/**
 * Tracked links (issue 17): a post's link replaced by Cadence's short address, which redirects to
 * the link with UTM parameters so the website's own statistics see where visitors came from.
 * Pure rules, shared by the publisher (which rewrites) and the web (which redirects).
 */

/** Codes are 8 characters of this alphabet (62^8 ≈ 2×10^14: not guessable by walking). */
export const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
export const CODE_PATTERN = /^[A-HJ-NP-Za-km-z2-9]{8}$/;

/** The code from random bytes (one byte per character, rejection-free: the bias is negligible for an identifier). */
export function codeFromBytes(bytes: Uint8Array): string {
  let code = "";
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[bytes[i]! % CODE_ALPHABET.length];
  return code;
}

/** The short address a post carries. */
export const trackedUrl = (publicUrl: string, code: string) => `${publicUrl.replace(/\/+$/, "")}/l/${code}`;

/**
 * The destination with UTM parameters: source = the network, medium = social, campaign =
 * "cadence", content = the post's language(s). Parameters the editor already put in the link win.
 */
export function withUtm(target: string, facts: { network: string; languages: string; month: string }): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return target;
  }
  const set = (name: string, value: string) => {
    if (!url.searchParams.has(name)) url.searchParams.set(name, value);
  };
  set("utm_source", facts.network);
  set("utm_medium", "social");
  set("utm_campaign", `cadence-${facts.month}`);
  set("utm_content", facts.languages.replace("+", "-"));
  return url.toString();
}

/**
 * Whether a request to a tracked link comes from a robot (a network fetching the link's preview, a
 * crawler, a script): only this flag is kept, never the user agent itself.
 */
export function looksLikeRobot(userAgent: string | undefined | null): boolean {
  if (!userAgent || userAgent.trim() === "") return true;
  return /bot\b|bot\/|crawl|spider|slurp|facebookexternalhit|facebot|twitterbot|linkedinbot|slackbot|discordbot|whatsapp|telegrambot|mastodon\/|bluesky|cardyb|embedly|preview|headless|curl\/|wget\/|python-requests|python-urllib|go-http-client|okhttp|java\/|axios\/|node-fetch|undici/i.test(userAgent);
}

import twitterText from "twitter-text";

/**
 * How long a text is on each network, by that network's own rules (shared/reference/channel-apis.md),
 * and what the network will actually receive.
 */
export type TextNetwork = "x" | "facebook" | "linkedin" | "mastodon" | "bluesky" | "youtube" | "webhook" | "outbox";

export interface LengthCheck {
  network: TextNetwork;
  /** The count the network applies, in `unit`. */
  length: number;
  limit: number;
  unit: "weighted" | "graphemes" | "characters";
  /** Bluesky also caps the UTF-8 size. */
  bytes?: { length: number; limit: number };
  ok: boolean;
}

export interface LengthOptions {
  /** X Premium accounts may post longer texts; 280 by default. */
  xLimit?: number;
  /** Read from the instance (configuration.statuses.max_characters); 500 by default. */
  mastodonLimit?: number;
}

export const LIMITS = {
  x: 280,
  facebook: 63_206,
  linkedin: 3_000,
  mastodon: 500,
  bluesky: 300,
  blueskyBytes: 3_000,
  youtube: 5_000,
  webhook: 100_000,
  outbox: 100_000,
} as const;

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'"]/giu;
const MASTODON_URL_LENGTH = 23;

let segmenter: Intl.Segmenter | null = null;

export function countGraphemes(text: string): number {
  segmenter ??= new Intl.Segmenter("en", { granularity: "grapheme" });
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

export function countCodePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** LinkedIn's "little text format": these characters must be backslash-escaped or the post is cut there. */
const LINKEDIN_RESERVED = /[\\|{}@[\]()<>#*_~]/g;

export function escapeLinkedInText(text: string): string {
  return text.replace(LINKEDIN_RESERVED, (c) => `\\${c}`);
}

function mastodonLength(text: string): number {
  return countGraphemes(text.replace(URL_PATTERN, "x".repeat(MASTODON_URL_LENGTH)));
}

/** The body a network receives for a text and its link: the link goes inside the text where the API has no link field. */
export function composeBody(network: TextNetwork, text: string, link: string | null | undefined): string {
  const clean = text.normalize("NFC");
  const hasLink = !!link && !clean.includes(link);
  switch (network) {
    case "x":
    case "mastodon":
    case "bluesky":
      return hasLink ? `${clean}\n\n${link}` : clean;
    case "linkedin":
      return escapeLinkedInText(hasLink ? `${clean}\n\n${link}` : clean);
    default:
      return clean;
  }
}

/** Measures what `network` will receive (see composeBody) against that network's limit. */
export function measureText(network: TextNetwork, text: string, link?: string | null, options: LengthOptions = {}): LengthCheck {
  const body = composeBody(network, text, link);
  switch (network) {
    case "x": {
      const limit = options.xLimit ?? LIMITS.x;
      const parsed = twitterText.parseTweet(body);
      // parseTweet's `valid` is against 280; with a longer (Premium) limit only the weight counts.
      return { network, length: parsed.weightedLength, limit, unit: "weighted", ok: parsed.weightedLength <= limit && body.trim() !== "" };
    }
    case "mastodon": {
      const limit = options.mastodonLimit ?? LIMITS.mastodon;
      const length = mastodonLength(body);
      return { network, length, limit, unit: "graphemes", ok: length <= limit };
    }
    case "bluesky": {
      const length = countGraphemes(body);
      const bytes = utf8Length(body);
      return {
        network,
        length,
        limit: LIMITS.bluesky,
        unit: "graphemes",
        bytes: { length: bytes, limit: LIMITS.blueskyBytes },
        ok: length <= LIMITS.bluesky && bytes <= LIMITS.blueskyBytes,
      };
    }
    default: {
      const limit = LIMITS[network];
      const length = countCodePoints(body);
      return { network, length, limit, unit: "characters", ok: length <= limit };
    }
  }
}

/** A video's title from its post: the first line, at most `max` characters, cut at a word (an ellipsis marks the cut). */
export function videoTitle(text: string, max = 100): string {
  const first = (text.trim().split(/\r?\n/)[0] ?? "").trim();
  if (first.length <= max) return first;
  const cut = first.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

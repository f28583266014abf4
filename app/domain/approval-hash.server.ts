import { createHash } from "node:crypto";
import type { TextNetwork } from "./channel-text";
import { contentFingerprintInput, sourceFingerprintInput, type ChannelFacts, type PairFacts, type PairLanguage } from "./pairing";
import { rulesFor, type InstanceMediaLimits, type MediaFileFacts } from "./network-media";
import type { Visual } from "./visuals";

/**
 * What approval is of, as pure functions: the hash of a language version's exact content (approval
 * records it; any change withdraws it), the hash a translation records of its source, and the facts
 * the pairing rules (pairing.ts) judge a pair by. Server-only (`.server`) for node:crypto's SHA-256;
 * no database, no clock. Decision 0007.
 */

function hash(input: string): string {
  return createHash("sha256").update(input).digest("hex").slice(0, 32);
}

export type VariantLike = { language: string; text: string; link_url: string | null; image_alt: string | null; visuals?: readonly Visual[] };

export function contentHashOf(v: Pick<VariantLike, "text" | "link_url" | "image_alt" | "visuals">): string {
  return hash(contentFingerprintInput(v.text, v.link_url, v.image_alt, v.visuals ?? []));
}

/** The hash a translation records of its source: the source's text and link. */
export function sourceHashOf(sourceLanguage: "fr" | "nl", variants: readonly VariantLike[]): string {
  const source = variants.find((v) => v.language === sourceLanguage);
  return hash(sourceFingerprintInput(source?.text ?? "", source?.link_url ?? null, source?.visuals ?? []));
}

export interface FactsInput {
  sourceLanguage: "fr" | "nl";
  germanEnabled: boolean;
  variants: readonly (VariantLike & { status: string; source_hash: string | null; approved_hash: string | null })[];
  channels: readonly { id: string; network: string; language: "fr" | "nl" | "bilingual"; active: boolean; media_limits?: InstanceMediaLimits | null }[];
  exception: { language: "fr" | "nl"; status: "requested" | "approved" | "rejected" | "withdrawn" } | null;
  mediaFiles?: Record<string, MediaFileFacts>;
}

/** What a network's adapter sends of visuals (the adapters say; see app/channels). */
export type MediaCarriage = (network: TextNetwork) => { carriesVisuals: boolean; carriesVideos: boolean };

/** What a channel's adapter sends of visuals, and its network's rules for them as far as it does. */
function channelMedia(network: TextNetwork, limits: InstanceMediaLimits | null | undefined, carriage: MediaCarriage): Pick<ChannelFacts, "carriesVisuals" | "mediaRules"> {
  const carries = carriage(network);
  return carries.carriesVisuals ? { carriesVisuals: true, mediaRules: rulesFor(network, { carriesVideos: carries.carriesVideos, limits }) } : { carriesVisuals: false, mediaRules: undefined };
}

/** A pair's facts for the pairing rules: its versions with their hashes, its channels with what they carry. */
export function pairFacts(input: FactsInput, settings: { bilingualOrder: PairFacts["bilingualOrder"] }, carriage: MediaCarriage): PairFacts {
  return {
    sourceLanguage: input.sourceLanguage,
    germanEnabled: input.germanEnabled,
    variants: input.variants.map((v) => ({
      language: v.language as PairLanguage,
      text: v.text,
      link: v.link_url,
      status: v.status as PairFacts["variants"][number]["status"],
      contentHash: contentHashOf(v),
      sourceHash: v.source_hash,
      approvedHash: v.approved_hash,
      visuals: v.visuals ?? [],
    })),
    channels: input.channels.map((c) => ({
      id: c.id,
      network: c.network as TextNetwork,
      language: c.language,
      active: c.active,
      ...channelMedia(c.network as TextNetwork, c.media_limits, carriage),
    })),
    exception: input.exception,
    bilingualOrder: settings.bilingualOrder,
    mediaFiles: input.mediaFiles ?? {},
  };
}

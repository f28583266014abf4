/**
 * The visuals of a post, per language like its text: 0 to 4 images, or one video, each with its
 * own alt text in that language. A visual without words ("same in both languages") is shared by
 * the two versions, its alt text still written in each; a visual with words on it needs its twin
 * in the other language. Pure: the editor, the approval and the publishing jobs decide alike.
 */
export interface Visual {
  /** The media library's file (SHA-256 of the stored file). */
  hash: string;
  kind: "image" | "video";
  /** The text alternative in this version's language (accessibility law: required). */
  alt: string;
  /** A photo without words: the other version shows the same file. */
  sameInBothLanguages: boolean;
  /** Words on the visual: the other version needs its own (translated) visual. */
  containsText: boolean;
}

/**
 * A visual as a network has it, remembered on the publication by file hash: its id there, when it
 * was uploaded, and a digest of the alt text it was uploaded with (another alt text: uploaded again).
 */
export interface UploadedMedia {
  id: string;
  at: string;
  altDigest?: string;
}

export const MAX_IMAGES = 4;
/** Alt texts fit every network: X allows 1,000 characters, Mastodon 1,500, Bluesky 2,000. */
export const MAX_ALT_LENGTH = 1000;

export type VisualProblem =
  | { code: "visual.altMissing"; language: "fr" | "nl"; position: number }
  | { code: "visual.altTooLong"; language: "fr" | "nl"; position: number; limit: number }
  | { code: "visual.tooMany"; language: "fr" | "nl"; limit: number }
  | { code: "visual.videoAlone"; language: "fr" | "nl" }
  | { code: "visual.twinMissing"; language: "fr" | "nl"; position: number }
  | { code: "visual.sharedMissing"; language: "fr" | "nl"; position: number }
  | { code: "visual.missingInLanguage"; language: "fr" | "nl" };

/** What a version's visuals add to its content hash: nothing when it has none (older hashes stay valid). */
export function visualsFingerprint(visuals: readonly Visual[]): string {
  if (visuals.length === 0) return "";
  return `\nvisuals:${visuals.map((v) => `${v.hash}|${v.alt.normalize("NFC").trim()}|${v.sameInBothLanguages ? 1 : 0}|${v.containsText ? 1 : 0}`).join(";")}`;
}

/** What a source's visuals add to the hash its translation records: the files and their flags (not the alt text, which each language writes). */
export function sourceVisualsFingerprint(visuals: readonly Visual[]): string {
  if (visuals.length === 0) return "";
  return `\nvisuals:${visuals.map((v) => `${v.hash}|${v.sameInBothLanguages ? 1 : 0}|${v.containsText ? 1 : 0}`).join(";")}`;
}

/** One version's own rules: how many, not mixed, each with its alt text. */
export function versionProblems(language: "fr" | "nl", visuals: readonly Visual[]): VisualProblem[] {
  const problems: VisualProblem[] = [];
  const videos = visuals.filter((v) => v.kind === "video").length;
  if (videos > 0 && visuals.length > 1) problems.push({ code: "visual.videoAlone", language });
  else if (visuals.length > MAX_IMAGES) problems.push({ code: "visual.tooMany", language, limit: MAX_IMAGES });
  visuals.forEach((v, position) => {
    const alt = v.alt.trim();
    if (alt === "") problems.push({ code: "visual.altMissing", language, position });
    else if (alt.length > MAX_ALT_LENGTH) problems.push({ code: "visual.altTooLong", language, position, limit: MAX_ALT_LENGTH });
  });
  return problems;
}

/**
 * The pair's rules, from the source version to its translation: a visual the source shares must
 * be in the translation too; a visual with words needs a different file (its twin) at the same
 * place; and both versions carry as many visuals (one missing in a language breaks parity, as a
 * missing text does, unless a one-language exception was approved).
 */
export function pairProblems(sourceLanguage: "fr" | "nl", source: readonly Visual[], target: readonly Visual[]): VisualProblem[] {
  const targetLanguage = sourceLanguage === "fr" ? "nl" : "fr";
  const problems: VisualProblem[] = [];
  source.forEach((v, position) => {
    const there = target[position];
    if (v.sameInBothLanguages && !target.some((t) => t.hash === v.hash)) problems.push({ code: "visual.sharedMissing", language: targetLanguage, position });
    if (v.containsText && (!there || there.hash === v.hash)) problems.push({ code: "visual.twinMissing", language: targetLanguage, position });
  });
  if (source.length !== target.length && !problems.some((p) => p.code === "visual.twinMissing" || p.code === "visual.sharedMissing")) {
    problems.push({ code: "visual.missingInLanguage", language: source.length > target.length ? targetLanguage : sourceLanguage });
  }
  return problems;
}

/**
 * Which answers to citizens need a second person's approval before they go out: those that
 * contain one of the team's sensitive words (a lawsuit, a complaint to the ombudsman, a
 * journalist…) or that go to one of the channels the team chose. Pure: the web app and the API
 * decide the same way.
 */
export interface ReplyApprovalRules {
  /** Words or phrases, matched whole, without regard to case or accents. */
  words: readonly string[];
  /** Channel ids whose answers all need a second approval. */
  channelIds: readonly string[];
}

export const NO_APPROVAL_RULES: ReplyApprovalRules = { words: [], channelIds: [] };

function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/’/g, "'");
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The reasons an answer needs a second approval: each sensitive word found (as the rules spell
 * it), and "channel" when its channel is one of the chosen ones. Empty: it goes out directly.
 */
export function approvalReasons(text: string, channelId: string, rules: ReplyApprovalRules): string[] {
  const folded = fold(text);
  const reasons: string[] = [];
  for (const word of rules.words) {
    const w = fold(word.trim());
    if (!w) continue;
    // Whole words: "plainte" matches "Plainte," but not "plaintes"; a phrase matches its words in order.
    const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${escape(w).replace(/\s+/g, "\\s+")}(?=$|[^\\p{L}\\p{N}])`, "u");
    if (pattern.test(folded) && !reasons.includes(word.trim())) reasons.push(word.trim());
  }
  if (rules.channelIds.includes(channelId)) reasons.push("channel");
  return reasons;
}

/** The words an admin typed, one per line or separated by commas: trimmed, without blanks or repeats. */
export function parseSensitiveWords(input: string): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const raw of input.split(/[\n,;]+/)) {
    const word = raw.trim().replace(/\s+/g, " ");
    if (!word || seen.has(fold(word))) continue;
    seen.add(fold(word));
    words.push(word);
  }
  return words;
}

import { detectAll } from "tinyld";

export type MessageLanguage = "fr" | "nl" | "other";

/**
 * Which conversation managers see a message: French, Dutch, or other (English, German, anything
 * else, and messages too short to tell on a bilingual channel). Detection is tinyld's (a maintained
 * n-gram detector, no network, no model download), limited to the languages Belgian citizens
 * write to the administration in. A guess is taken only when it is more likely than not (0.5, a
 * threshold set on principle, not tuned); otherwise the channel's own language decides, since a
 * citizen who writes "Merci !" to the French account is best answered in French.
 */
const CANDIDATES = ["fr", "nl", "en", "de", "es", "it"];
const CONFIDENT = 0.5;

export function messageLanguage(text: string, channelLanguage: "fr" | "nl" | "bilingual"): MessageLanguage {
  const words = text
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/[@#][\p{L}\p{N}_.-]+/gu, " ")
    .trim();
  const [best] = words ? detectAll(words, { only: CANDIDATES }) : [];
  if (best && best.accuracy >= CONFIDENT) return best.lang === "fr" || best.lang === "nl" ? best.lang : "other";
  return channelLanguage === "bilingual" ? "other" : channelLanguage;
}

/**
 * Which recurring citizen questions a post answers, by their keywords: the three best-matching
 * questions for a French or Dutch text, with the words that matched, and whether the best one is
 * confident. Deterministic, no network: words are reduced to their Snowball stems (French, Dutch)
 * with accents and case folded, elisions split off ("d'impôt" → "impôt"), and a Dutch compound
 * matches the keywords it is built from ("belastingaangifte" → "aangifte"). The model learned from
 * the team's own tagging (tag-model.ts) adds to these scores.
 * Pure and browser-safe: the editor runs it as the text is typed, the API and the CLI on the server.
 */

import { snowballStem } from "./snowball";
import { pushTo as push } from "./collections";

export type MatchLanguage = "fr" | "nl";

export interface MatchableQuestion {
  id: string;
  slug: string;
  labelFr: string;
  labelNl: string;
  keywordsFr: readonly string[];
  keywordsNl: readonly string[];
}

export interface QuestionSuggestion {
  id: string;
  slug: string;
  /** Higher is better; 1 is about one distinctive keyword fully matched. */
  score: number;
  /** The words of the text that matched, as written. */
  matched: string[];
}

export interface SuggestionResult {
  suggestions: QuestionSuggestion[];
  /** Whether the first suggestion is strong enough to propose with confidence. */
  confident: boolean;
}

/** A best score at or above this is confident; tuned on the labelled set in question-match.data.ts. */
export const CONFIDENT_SCORE = 1.4;
/** Scores below this are not suggested at all. */
const MIN_SCORE = 0.3;
/** Label words weigh this much against a keyword: the label is a question, not a list of topics. */
const LABEL_WEIGHT = 0.4;
/** A stem this long can be found inside a longer word (compounds) or be a prefix of one (inflections). */
const MIN_PARTIAL = 5;

const STOPWORDS: Record<MatchLanguage, ReadonlySet<string>> = {
  fr: new Set(
    ("a au aux avec ce ces cet cette d dans de des du elle en est et etre il ils je l la le les leur leurs lui m ma mais me mes moi mon n ne nos notre nous on ou " +
      "par pas plus pour qu que quel quelle quels quelles qui quoi quand comment s sa se ses si son sont sur t ta te tes toi ton tu un une vos votre vous y " +
      "puis peut peux dois doit faire fait ai as avez avons ont suis es sommes etes aussi bien tout tous toute toutes tres deja encore ici la-bas cela ca " +
      "c j ou comme donc or ni car celui celle ceux celles dont lequel laquelle lesquels via chez sans sous entre vers avant apres depuis pendant").split(" "),
  ),
  nl: new Set(
    ("aan al alle als bij dan dat de deze die dit doe doen door dus een en er geen had heb hebben hebt heeft het hier hij hoe hun ik in is ja je jij jou jouw " +
      "kan kunnen kunt maar me meer met mij mijn moet moeten na naar niet nog nu of om omdat onder ons onze ook op over te tot u uit uw van veel voor waar " +
      "wanneer wat welk welke wie wij wil wilt word worden wordt zal ze zelf zich zij zijn zo zonder zou we wel weer hoeveel eens even heel waarom").split(" "),
  ),
};

/** Lower case, accents and ligatures folded: "Remboursé" → "rembourse", "œuvre" → "oeuvre". */
export function foldText(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/ß/g, "ss");
}

/**
 * A word's stem: the Snowball stem of the lower-case word (French or Dutch), folded. In Dutch, a
 * plural in -es is stemmed as its singular, a past participle's final d goes too ("terugbetaald" → "terugbetal", as "terugbetaling"), and a
 * long vowel or double consonant at the end is written once ("betaal" and "betal-en" meet).
 */
export function stem(word: string, lang: MatchLanguage): string {
  if (/\d/.test(word)) return foldText(word);
  const lower = word.toLowerCase();
  // Dutch plurals in -es ("aangiftes") keep their s in Snowball: stemmed as the singular.
  let w = foldText(snowballStem(lang === "nl" && lower.length > 5 && lower.endsWith("es") ? lower.slice(0, -1) : lower, lang));
  if (lang === "nl") {
    if (w.length >= 7 && /[^aeiou]d$|(aa|ee|oo|uu)d$/.test(w) && !/nd$/.test(w)) w = w.slice(0, -1);
    w = w.replace(/(aa|ee|oo|uu)([^aeiou])$/, (_m, v: string, c: string) => v[0]! + c).replace(/([^aeiou])\1$/, "$1");
  }
  return w;
}

interface Token {
  stem: string;
  /** The word as written in the text. */
  word: string;
}

/** The content words of a text with their stems (stop words and one-letter words left out). */
export function tokenize(text: string, lang: MatchLanguage): Token[] {
  const tokens: Token[] = [];
  // Words as written: letters (any script, with their accents), digits, and dots inside numbers ("281.86").
  for (const match of text.matchAll(/[\p{L}\p{M}\p{N}]+(?:\.\d+)*/gu)) {
    const word = match[0];
    const folded = foldText(word);
    if (folded.length < 2 || STOPWORDS[lang].has(folded)) continue;
    tokens.push({ stem: stem(word, lang), word });
  }
  return tokens;
}

interface KeywordEntry {
  question: number;
  /** The keyword's stems; all must be found in the text. */
  stems: string[];
  weight: number;
}

interface LanguageIndex {
  keywords: KeywordEntry[];
  /** A stem → the keywords (entry index, position in the keyword) that contain it. */
  exact: Map<string, [number, number][]>;
  /** Every prefix (≥ MIN_PARTIAL letters) of a keyword stem → the same, for a shorter word in the text. */
  prefixes: Map<string, [number, number][]>;
}

export interface QuestionIndex {
  questions: readonly MatchableQuestion[];
  languages: Record<MatchLanguage, LanguageIndex>;
}

function indexLanguage(questions: readonly MatchableQuestion[], lang: MatchLanguage): LanguageIndex {
  // Each question's distinct keywords (two spellings of one stem count once), then the label's words.
  const perQuestion = questions.map((q) => {
    const seen = new Set<string>();
    const entries: { stems: string[]; label: boolean }[] = [];
    const add = (stems: string[], label: boolean) => {
      const key = stems.join(" ");
      if (stems.length === 0 || seen.has(key)) return;
      seen.add(key);
      entries.push({ stems, label });
    };
    for (const keyword of lang === "fr" ? q.keywordsFr : q.keywordsNl) add(tokenize(keyword, lang).map((t) => t.stem), false);
    for (const t of tokenize(lang === "fr" ? q.labelFr : q.labelNl, lang)) add([t.stem], true);
    return entries;
  });
  // A stem found in many questions says little: inverse document frequency.
  const df = new Map<string, number>();
  for (const entries of perQuestion) for (const s of new Set(entries.flatMap((e) => e.stems))) df.set(s, (df.get(s) ?? 0) + 1);
  const n = Math.max(questions.length, 1);
  const idf = (s: string) => Math.log(1 + n / (df.get(s) ?? 1)) / Math.log(1 + n);

  const index: LanguageIndex = { keywords: [], exact: new Map(), prefixes: new Map() };
  perQuestion.forEach((entries, question) => {
    for (const e of entries) {
      const specificity = e.stems.reduce((sum, s) => sum + idf(s), 0) / e.stems.length;
      // A phrase of several words is more telling than one word.
      const weight = specificity * (1 + 0.25 * (e.stems.length - 1)) * (e.label ? LABEL_WEIGHT : 1);
      const entry = index.keywords.push({ question, stems: e.stems, weight }) - 1;
      e.stems.forEach((s, position) => {
        push(index.exact, s, [entry, position]);
        for (let len = MIN_PARTIAL; len < s.length; len++) push(index.prefixes, s.slice(0, len), [entry, position]);
      });
    }
  });
  return index;
}

export function buildQuestionIndex(questions: readonly MatchableQuestion[]): QuestionIndex {
  return { questions, languages: { fr: indexLanguage(questions, "fr"), nl: indexLanguage(questions, "nl") } };
}

/**
 * The best questions for a text, at most `limit`, best first (ties by slug, so the answer never
 * depends on the list's order). A word matches a keyword's stem exactly (1), as an inflected or
 * longer form of it (0.9), or as a compound that contains it (0.8).
 */
export function suggestQuestions(index: QuestionIndex, text: string, lang: MatchLanguage, limit = 3): SuggestionResult {
  const li = index.languages[lang];
  const tokens = tokenize(text, lang);
  // For each keyword, for each of its stems: the best strength found, and by which word.
  const found = new Map<number, { strength: number[]; words: string[] }>();
  const hit = (entry: number, position: number, strength: number, word: string) => {
    let f = found.get(entry);
    if (!f) {
      const size = li.keywords[entry]!.stems.length;
      f = { strength: new Array<number>(size).fill(0), words: new Array<string>(size).fill("") };
      found.set(entry, f);
    }
    if (strength > f.strength[position]!) {
      f.strength[position] = strength;
      f.words[position] = word;
    }
  };
  for (const { stem: s, word } of tokens) {
    for (const [entry, position] of li.exact.get(s) ?? []) hit(entry, position, 1, word);
    // The text's word is a shorter form of a keyword ("déclar" for "déclaration").
    if (s.length >= MIN_PARTIAL) for (const [entry, position] of li.prefixes.get(s) ?? []) hit(entry, position, 0.9, word);
    // The text's word is longer: an inflection or a compound that starts with a keyword
    // ("kinderopvangkosten"), or a compound that ends with one ("belastingaangifte").
    for (let end = MIN_PARTIAL; end < s.length; end++) for (const [entry, position] of li.exact.get(s.slice(0, end)) ?? []) hit(entry, position, 0.9, word);
    for (let start = 1; start + MIN_PARTIAL <= s.length; start++) for (const [entry, position] of li.exact.get(s.slice(start)) ?? []) hit(entry, position, 0.8, word);
  }

  const scores = new Map<number, { score: number; words: Set<string> }>();
  for (const [entry, f] of found) {
    if (f.strength.some((x) => x === 0)) continue;
    const keyword = li.keywords[entry]!;
    const value = keyword.weight * Math.min(...f.strength);
    const q = scores.get(keyword.question) ?? { score: 0, words: new Set<string>() };
    q.score += value;
    for (const w of f.words) q.words.add(w);
    scores.set(keyword.question, q);
  }
  const ranked = [...scores.entries()]
    .filter(([, s]) => s.score >= MIN_SCORE)
    .map(([question, s]) => ({ question: index.questions[question]!, score: s.score, words: [...s.words] }))
    .sort((a, b) => b.score - a.score || (a.question.slug < b.question.slug ? -1 : 1))
    .slice(0, limit);
  return {
    suggestions: ranked.map((r) => ({ id: r.question.id, slug: r.question.slug, score: Math.round(r.score * 100) / 100, matched: r.words })),
    confident: ranked.length > 0 && ranked[0]!.score >= CONFIDENT_SCORE,
  };
}

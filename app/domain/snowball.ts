// Snowball stemmers for French and Dutch, from NLP.js (@nlpjs/lang-fr, @nlpjs/lang-nl: generated from
// the Snowball project's algorithms, maintained). Browser-safe: the editor stems as the text is
// typed, the server the same way. Both stemmers with their base add about 12 KB gzipped to a bundle.
import StemmerFr from "@nlpjs/lang-fr/src/stemmer-fr.js";
import StemmerNl from "@nlpjs/lang-nl/src/stemmer-nl.js";

interface SnowballStemmer {
  stemWord(word: string): string;
}

const stemmers: Record<"fr" | "nl", SnowballStemmer | null> = { fr: null, nl: null };

/** The Snowball stem of one lower-case word (accents kept: the algorithms read them). */
export function snowballStem(word: string, lang: "fr" | "nl"): string {
  const stemmer = (stemmers[lang] ??= lang === "fr" ? (new StemmerFr() as SnowballStemmer) : (new StemmerNl() as SnowballStemmer));
  return stemmer.stemWord(word);
}

declare module "@nlpjs/lang-fr/src/stemmer-fr.js" {
  const StemmerFr: new () => unknown;
  export default StemmerFr;
}
declare module "@nlpjs/lang-nl/src/stemmer-nl.js" {
  const StemmerNl: new () => unknown;
  export default StemmerNl;
}

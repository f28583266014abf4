import { describe, expect, it } from "vitest";
import { messageLanguage } from "./message-language";

/**
 * Written for this test before the rule's threshold was chosen, and never used to tune it: what
 * citizens write to a tax administration's accounts, in French, in Dutch and in other languages.
 */
const FRENCH = [
  "Bonjour, je n'arrive plus à me connecter à MyMinfin depuis ce matin, c'est normal ?",
  "@SPFFinances quand est-ce que je vais recevoir mon remboursement d'impôt ?",
  "J'ai reçu un courrier pour ma déclaration mais je ne comprends pas le montant à payer",
  "Votre site est en panne depuis deux jours, personne ne répond au téléphone",
  "Est-ce que les frais de garde d'enfants sont déductibles cette année ?",
  "Merci pour l'info, très utile pour mes parents qui n'ont pas d'ordinateur",
  "Où est-ce que je peux trouver ma proposition de déclaration simplifiée ?",
  "Je suis indépendant et je voudrais savoir jusqu'à quand je peux rentrer ma déclaration",
  "C'est scandaleux, trois mois d'attente pour une simple réponse",
  "Pouvez-vous m'envoyer le formulaire par la poste s'il vous plaît",
  "Mon eBox est vide alors qu'on m'a dit que l'avertissement-extrait de rôle y était",
  "Faut-il déclarer les revenus d'un appartement loué à l'étranger ?",
];
const DUTCH = [
  "Goedemiddag, wanneer krijg ik mijn terugbetaling van de belastingen?",
  "@FODFinancien ik kan niet inloggen op MyMinfin met itsme, wat moet ik doen?",
  "Ik heb een brief gekregen over mijn aangifte maar ik begrijp het bedrag niet",
  "Jullie website ligt al twee dagen plat en niemand neemt de telefoon op",
  "Zijn de kosten voor kinderopvang dit jaar nog aftrekbaar?",
  "Bedankt voor de uitleg, heel handig voor mijn ouders die geen computer hebben",
  "Waar vind ik mijn voorstel van vereenvoudigde aangifte?",
  "Ik ben zelfstandige en wil weten tot wanneer ik mijn aangifte mag indienen",
  "Schandalig, drie maanden wachten op een eenvoudig antwoord",
  "Kunnen jullie het formulier per post opsturen alstublieft",
  "Mijn eBox is leeg terwijl men zei dat het aanslagbiljet erin zou staan",
  "Moet ik de huurinkomsten van een appartement in het buitenland aangeven?",
];
const OTHER = [
  "Hello, I moved to Belgium last year, do I need to file a tax return here?",
  "Where can I find the English version of the tax-on-web instructions?",
  "Guten Tag, ich wohne in Eupen und habe eine Frage zu meiner Steuererklärung",
  "Wann bekomme ich meine Rückerstattung?",
  "Hola, ¿dónde puedo encontrar el formulario de declaración?",
  "Buongiorno, non riesco ad accedere al sito, potete aiutarmi?",
];

describe("the language of a citizen's message", () => {
  it("routes at least nine French or Dutch messages in ten to their queue, and the rest to 'other'", () => {
    const share = (texts: string[], expected: string) => texts.filter((t) => messageLanguage(t, "bilingual") === expected).length / texts.length;
    // A misrouted message is not lost: the other queue's managers see it and can move it.
    expect(share(FRENCH, "fr")).toBeGreaterThanOrEqual(0.9);
    expect(share(DUTCH, "nl")).toBeGreaterThanOrEqual(0.9);
    expect(share(OTHER, "other")).toBeGreaterThanOrEqual(0.8);
  });

  it("falls back to the channel's language when the text says too little, and to 'other' on a bilingual channel", () => {
    for (const text of ["Merci !", "👍👍", "@SPFFinances ?", "ok"]) {
      expect(messageLanguage(text, "fr")).toBe("fr");
      expect(messageLanguage(text, "nl")).toBe("nl");
      expect(messageLanguage(text, "bilingual")).toBe("other");
    }
  });

  it("a clear message in the other language wins over the channel's language", () => {
    expect(messageLanguage(DUTCH[0]!, "fr")).toBe("nl");
    expect(messageLanguage(FRENCH[0]!, "nl")).toBe("fr");
  });
});

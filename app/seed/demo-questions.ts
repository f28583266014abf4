/** About twenty questions citizens keep asking a federal tax administration's contact center. */
export interface DemoQuestion {
  slug: string;
  fr: string;
  nl: string;
  keywordsFr: string[];
  keywordsNl: string[];
  urlFr?: string;
  urlNl?: string;
  /** The reference answers the inbox offers. */
  answerFr?: string;
  answerNl?: string;
  volume: number;
}

export const demoQuestions: DemoQuestion[] = [
  {
    slug: "remboursement-impot",
    fr: "Quand vais-je recevoir mon remboursement d'impôt ?",
    nl: "Wanneer krijg ik mijn belastingterugbetaling?",
    keywordsFr: ["remboursement", "rembourser", "remboursé", "excédent"],
    keywordsNl: ["terugbetaling", "terugbetalen", "terugbetaald", "teruggave"],
    answerFr: "Le remboursement arrive en général dans les trois mois qui suivent l'avertissement-extrait de rôle, sur le compte que vous avez communiqué.",
    answerNl: "De terugbetaling komt meestal binnen drie maanden na het aanslagbiljet, op de rekening die u hebt doorgegeven.",
    volume: 18400,
  },
  {
    slug: "connexion-myminfin",
    fr: "Comment me connecter à MyMinfin ?",
    nl: "Hoe meld ik me aan op MyMinfin?",
    keywordsFr: ["myminfin", "connexion", "connecter", "itsme", "carte d'identité", "lecteur de carte"],
    keywordsNl: ["myminfin", "aanmelden", "inloggen", "itsme", "eid", "kaartlezer"],
    answerFr: "Connectez-vous à MyMinfin avec itsme ou votre carte d'identité et un lecteur de carte. En cas de problème, le helpdesk vous aide au 02 572 57 57.",
    answerNl: "Meld u aan op MyMinfin met itsme of uw identiteitskaart en een kaartlezer. Bij problemen helpt de helpdesk u op 02 572 57 57.",
    volume: 15200,
  },
  {
    slug: "declaration-tax-on-web",
    fr: "Comment remplir ma déclaration via Tax-on-web ?",
    nl: "Hoe vul ik mijn aangifte in via Tax-on-web?",
    keywordsFr: ["déclaration", "tax-on-web", "remplir", "déclarer"],
    keywordsNl: ["aangifte", "tax-on-web", "invullen", "aangeven"],
    volume: 14100,
  },
  {
    slug: "proposition-simplifiee",
    fr: "Qu'est-ce que la proposition de déclaration simplifiée ?",
    nl: "Wat is het voorstel van vereenvoudigde aangifte?",
    keywordsFr: ["proposition", "simplifiée", "proposition de déclaration"],
    keywordsNl: ["voorstel", "vereenvoudigde aangifte", "vva"],
    volume: 9100,
  },
  {
    slug: "avertissement-extrait-de-role",
    fr: "Comment lire mon avertissement-extrait de rôle ?",
    nl: "Hoe lees ik mijn aanslagbiljet?",
    keywordsFr: ["avertissement-extrait de rôle", "aer", "calcul", "impôt à payer"],
    keywordsNl: ["aanslagbiljet", "berekening", "te betalen belasting"],
    volume: 11800,
  },
  {
    slug: "plan-de-paiement",
    fr: "Puis-je payer mes impôts en plusieurs fois ?",
    nl: "Kan ik mijn belastingen in schijven betalen?",
    keywordsFr: ["plan de paiement", "payer en plusieurs fois", "étaler", "difficultés de paiement"],
    keywordsNl: ["afbetalingsplan", "in schijven", "spreiden", "betalingsmoeilijkheden"],
    volume: 7600,
  },
  {
    slug: "frais-de-garde",
    fr: "Frais de garde d'enfants : que puis-je déduire ?",
    nl: "Kinderopvangkosten: wat kan ik aftrekken?",
    keywordsFr: ["frais de garde", "garde d'enfants", "crèche", "accueil extrascolaire", "281.86"],
    keywordsNl: ["kinderopvang", "opvangkosten", "crèche", "buitenschoolse opvang", "281.86"],
    volume: 5200,
  },
  {
    slug: "phishing",
    fr: "Ce message du SPF Finances est-il une arnaque ?",
    nl: "Is dit bericht van de FOD Financiën oplichting?",
    keywordsFr: ["phishing", "hameçonnage", "arnaque", "faux message", "fraude"],
    keywordsNl: ["phishing", "oplichting", "valse berichten", "fraude", "nepmail"],
    volume: 8900,
  },
  {
    slug: "reclamation",
    fr: "Je ne suis pas d'accord avec mon impôt : comment introduire une réclamation ?",
    nl: "Ik ben het niet eens met mijn belasting: hoe dien ik bezwaar in?",
    keywordsFr: ["réclamation", "contester", "pas d'accord", "dégrèvement"],
    keywordsNl: ["bezwaar", "bezwaarschrift", "betwisten", "niet akkoord"],
    volume: 4300,
  },
  {
    slug: "ebox",
    fr: "Comment recevoir mes documents fiscaux dans l'eBox ?",
    nl: "Hoe ontvang ik mijn fiscale documenten in de eBox?",
    keywordsFr: ["ebox", "courrier électronique", "documents en ligne"],
    keywordsNl: ["ebox", "digitale post", "documenten online"],
    volume: 3900,
  },
  {
    slug: "versements-anticipes",
    fr: "Quand faire mes versements anticipés ?",
    nl: "Wanneer moet ik mijn voorafbetalingen doen?",
    keywordsFr: ["versements anticipés", "indépendant", "majoration"],
    keywordsNl: ["voorafbetalingen", "zelfstandige", "vermeerdering"],
    volume: 3600,
  },
  {
    slug: "tva-declaration",
    fr: "Quand dois-je rentrer ma déclaration TVA ?",
    nl: "Wanneer moet ik mijn btw-aangifte indienen?",
    keywordsFr: ["tva", "intervat", "déclaration tva"],
    keywordsNl: ["btw", "intervat", "btw-aangifte"],
    volume: 3300,
  },
  {
    slug: "facturation-electronique",
    fr: "La facture électronique est-elle obligatoire pour mon entreprise ?",
    nl: "Is e-facturatie verplicht voor mijn onderneming?",
    keywordsFr: ["facture électronique", "facturation électronique", "peppol", "e-facture"],
    keywordsNl: ["e-facturatie", "elektronische factuur", "peppol", "e-factuur"],
    volume: 6100,
  },
  {
    slug: "colis-douane",
    fr: "Pourquoi dois-je payer des frais pour mon colis hors UE ?",
    nl: "Waarom moet ik betalen voor mijn pakje van buiten de EU?",
    keywordsFr: ["colis", "douane", "dédouanement", "frais de douane"],
    keywordsNl: ["pakje", "pakket", "douane", "inklaring", "douanekosten"],
    volume: 5700,
  },
  {
    slug: "fiches-fiscales",
    fr: "Où trouver mes fiches fiscales ?",
    nl: "Waar vind ik mijn fiscale fiches?",
    keywordsFr: ["fiche fiscale", "fiches 281", "attestation", "belcotax"],
    keywordsNl: ["fiscale fiche", "fiches 281", "attest", "belcotax"],
    volume: 4800,
  },
  {
    slug: "aide-declaration",
    fr: "Qui peut m'aider à remplir ma déclaration ?",
    nl: "Wie kan me helpen met mijn aangifte?",
    keywordsFr: ["aide", "rendez-vous", "permanence", "aider"],
    keywordsNl: ["hulp", "afspraak", "zitdag", "helpen"],
    volume: 6900,
  },
  {
    slug: "date-limite-declaration",
    fr: "Quelle est la date limite pour ma déclaration ?",
    nl: "Wat is de uiterste datum voor mijn aangifte?",
    keywordsFr: ["date limite", "délai", "échéance", "dernier jour"],
    keywordsNl: ["uiterste datum", "termijn", "deadline", "laatste dag"],
    volume: 7300,
  },
  {
    slug: "epargne-pension",
    fr: "Quel avantage fiscal pour l'épargne-pension ?",
    nl: "Welk fiscaal voordeel heeft pensioensparen?",
    keywordsFr: ["épargne-pension", "épargne pension", "réduction d'impôt"],
    keywordsNl: ["pensioensparen", "belastingvermindering"],
    volume: 2900,
  },
  {
    slug: "dons-reduction",
    fr: "Mes dons donnent-ils droit à une réduction d'impôt ?",
    nl: "Geven mijn giften recht op een belastingvermindering?",
    keywordsFr: ["dons", "libéralités", "attestation de don"],
    keywordsNl: ["giften", "gift", "fiscaal attest"],
    volume: 2100,
  },
  {
    slug: "contact-centre",
    fr: "Comment contacter le SPF Finances ?",
    nl: "Hoe neem ik contact op met de FOD Financiën?",
    keywordsFr: ["contact", "téléphone", "0257 257 57", "joindre"],
    keywordsNl: ["contact", "telefoon", "0257 257 57", "bereiken"],
    volume: 5400,
  },
];

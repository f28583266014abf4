/** Real French/Dutch post pairs of the kind a federal tax administration publishes. */
export interface DemoPost {
  fr: string;
  nl: string;
  link?: string;
  imageAlt?: { fr: string; nl: string };
  tags: string[];
  time: string;
}

export const demoPosts: DemoPost[] = [
  {
    fr: "Vous attendez votre remboursement d'impôt ? Il est versé au plus tard à la fin du 2e mois qui suit l'envoi de votre avertissement-extrait de rôle.",
    nl: "Wacht u op uw belastingterugbetaling? Die wordt uiterlijk op het einde van de 2de maand na de verzending van uw aanslagbiljet gestort.",
    link: "https://finances.belgium.be/fr/particuliers/payer-ou-etre-rembourse",
    tags: ["remboursement-impot"],
    time: "09:00",
  },
  {
    fr: "⚠️ Le SPF Finances ne vous demandera jamais vos codes bancaires par e-mail ou SMS. Un doute ? Ne cliquez pas et transférez le message à suspect@safeonweb.be.",
    nl: "⚠️ De FOD Financiën vraagt u nooit uw bankcodes via e-mail of sms. Twijfelt u? Klik niet en stuur het bericht door naar verdacht@safeonweb.be.",
    tags: ["phishing"],
    time: "11:30",
  },
  {
    fr: "Se connecter à MyMinfin, c'est simple : avec l'app itsme® ou avec votre carte d'identité et un lecteur de carte. Suivez le guide pas à pas.",
    nl: "Aanmelden op MyMinfin is eenvoudig: met de itsme®-app of met uw identiteitskaart en een kaartlezer. Volg de stap-voor-stapgids.",
    link: "https://finances.belgium.be/fr/myminfin",
    imageAlt: {
      fr: "Capture d'écran de la page de connexion MyMinfin avec les boutons itsme et carte d'identité.",
      nl: "Schermafbeelding van de aanmeldpagina van MyMinfin met de knoppen itsme en identiteitskaart.",
    },
    tags: ["connexion-myminfin"],
    time: "10:00",
  },
  {
    fr: "Votre avertissement-extrait de rôle est arrivé ? Nous vous expliquons en 4 étapes comment lire le calcul de votre impôt.",
    nl: "Is uw aanslagbiljet aangekomen? We leggen in 4 stappen uit hoe u de berekening van uw belasting leest.",
    link: "https://finances.belgium.be/fr/particuliers/declaration_impot/avertissement-extrait-de-role",
    tags: ["avertissement-extrait-de-role"],
    time: "14:00",
  },
  {
    fr: "Difficultés pour payer votre impôt ? Demandez un plan de paiement via MyMinfin avant la date d'échéance.",
    nl: "Moeite om uw belasting te betalen? Vraag vóór de vervaldatum een afbetalingsplan aan via MyMinfin.",
    tags: ["plan-de-paiement", "connexion-myminfin"],
    time: "09:30",
  },
  {
    fr: "Indépendant·e ? Le dernier versement anticipé de l'année est à effectuer au plus tard le 20 décembre pour éviter une majoration d'impôt.",
    nl: "Zelfstandige? De laatste voorafbetaling van het jaar moet uiterlijk op 20 december gebeuren om een belastingvermeerdering te vermijden.",
    tags: ["versements-anticipes"],
    time: "08:30",
  },
  {
    fr: "Depuis le 1er janvier 2026, les entreprises belges doivent échanger des factures électroniques structurées. Un PDF envoyé par e-mail ne suffit plus.",
    nl: "Sinds 1 januari 2026 moeten Belgische ondernemingen gestructureerde elektronische facturen uitwisselen. Een pdf via e-mail volstaat niet meer.",
    link: "https://einvoice.belgium.be",
    tags: ["facturation-electronique"],
    time: "10:30",
  },
  {
    fr: "Un colis commandé hors de l'Union européenne ? La TVA est due dès le premier euro. Voici ce que vous payez et pourquoi.",
    nl: "Een pakje besteld van buiten de Europese Unie? Btw is verschuldigd vanaf de eerste euro. Dit betaalt u en waarom.",
    tags: ["colis-douane"],
    time: "16:00",
  },
  {
    fr: "Activez votre eBox : vos documents fiscaux arrivent directement et en toute sécurité dans MyMinfin, avec la même valeur qu'un courrier papier.",
    nl: "Activeer uw eBox: uw fiscale documenten komen rechtstreeks en veilig in MyMinfin aan, met dezelfde waarde als een papieren brief.",
    tags: ["ebox"],
    time: "12:00",
  },
  {
    fr: "Pas d'accord avec le calcul de votre impôt ? Vous avez un an à partir de l'envoi de votre avertissement-extrait de rôle pour introduire une réclamation.",
    nl: "Niet akkoord met de berekening van uw belasting? U hebt een jaar vanaf de verzending van uw aanslagbiljet om bezwaar in te dienen.",
    tags: ["reclamation", "avertissement-extrait-de-role"],
    time: "15:00",
  },
  {
    fr: "TVA : la déclaration mensuelle et son paiement sont dus au plus tard le 20 du mois suivant. Déposez-la via Intervat.",
    nl: "Btw: de maandaangifte en de betaling zijn uiterlijk op de 20ste van de volgende maand verschuldigd. Dien ze in via Intervat.",
    tags: ["tva-declaration"],
    time: "09:00",
  },
  {
    fr: "Nos collaborateurs du centre de contact répondent à vos questions au 0257 257 57, chaque jour ouvrable.",
    nl: "Onze medewerkers van het contactcenter beantwoorden uw vragen op 0257 257 57, elke werkdag.",
    tags: ["contact-centre"],
    time: "13:00",
  },
  {
    fr: "Faux message d'« excédent de paiement » ? C'est une arnaque. Le SPF Finances ne vous envoie jamais de lien pour récupérer de l'argent.",
    nl: "Vals bericht over een 'teveel betaald bedrag'? Dat is oplichting. De FOD Financiën stuurt u nooit een link om geld terug te krijgen.",
    tags: ["phishing", "remboursement-impot"],
    time: "18:00",
  },
  {
    fr: "Vos fiches fiscales 281 sont disponibles dans MyMinfin dès que votre employeur ou votre caisse les a envoyées.",
    nl: "Uw fiscale fiches 281 staan in MyMinfin zodra uw werkgever of uw uitbetalingsinstelling ze heeft verstuurd.",
    tags: ["fiches-fiscales", "connexion-myminfin"],
    time: "11:00",
  },
  {
    fr: "Épargne-pension : versez avant le 31 décembre pour bénéficier de la réduction d'impôt sur les revenus de cette année.",
    nl: "Pensioensparen: stort vóór 31 december om de belastingvermindering voor de inkomsten van dit jaar te krijgen.",
    tags: ["epargne-pension"],
    time: "17:00",
  },
  {
    fr: "Un don à une association agréée d'au moins 40 € vous donne droit à une réduction d'impôt de 45 %. Gardez votre attestation !",
    nl: "Een gift van minstens 40 euro aan een erkende instelling geeft recht op een belastingvermindering van 45 %. Bewaar uw attest!",
    tags: ["dons-reduction"],
    time: "10:00",
  },
];

/** Day notes by month number: milestones of the tax calendar. */
export const demoDayNotes: Record<number, { day: number; fr: string; nl: string }[]> = {
  1: [{ day: 1, fr: "Facturation électronique B2B obligatoire", nl: "Verplichte B2B-e-facturatie" }],
  3: [{ day: 1, fr: "Fiches Belcotax envoyées (281.xx)", nl: "Belcotax-fiches verstuurd (281.xx)" }],
  4: [{ day: 10, fr: "Versement anticipé 1", nl: "Voorafbetaling 1" }],
  5: [{ day: 2, fr: "Tax-on-web ouvert", nl: "Tax-on-web open" }],
  6: [{ day: 30, fr: "Date limite déclaration papier", nl: "Uiterste datum papieren aangifte" }],
  7: [
    { day: 10, fr: "Versement anticipé 2", nl: "Voorafbetaling 2" },
    { day: 15, fr: "Date limite Tax-on-web", nl: "Uiterste datum Tax-on-web" },
  ],
  9: [{ day: 1, fr: "Déclaration des non-résidents ouverte", nl: "Aangifte niet-inwoners open" }],
  10: [
    { day: 10, fr: "Versement anticipé 3", nl: "Voorafbetaling 3" },
    { day: 16, fr: "Date limite revenus spécifiques", nl: "Uiterste datum specifieke inkomsten" },
  ],
  11: [
    { day: 20, fr: "Déclaration TVA mensuelle", nl: "Maandelijkse btw-aangifte" },
    { day: 25, fr: "Vague d'AER : pic d'appels attendu", nl: "Golf aanslagbiljetten: piek in oproepen verwacht" },
  ],
  12: [
    { day: 1, fr: "Vague de phishing des fêtes : rester vigilant", nl: "Phishinggolf tijdens de feestdagen: waakzaam blijven" },
    { day: 20, fr: "Dernier versement anticipé", nl: "Laatste voorafbetaling" },
  ],
};

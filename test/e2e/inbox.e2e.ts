import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import type { AppContext } from "../../app/services/context.server";
import { collectInbox } from "../../app/services/inbox.server";
import { importQuestionsAs } from "../../app/services/questions.server";
import { adapterDeps } from "../../app/services/publishing.server";
import { createUser } from "../../app/services/users.server";
import type { Role } from "../../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../../fakes/networks";
import { makeApiChannel } from "../publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "../setup/database";
import { startTestServer } from "../setup/web";
import { launchBrowser } from "./browser";
import { expectText, pageAs } from "./helpers";

let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let browser: Browser;
let fake: FakeNetworks;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  fake = await startFakeNetworks();
  const people: [string, string, Role[], "fr" | "nl" | "en"][] = [
    ["lea@test.be", "Léa Martin", ["responder"], "fr"],
    ["pieter@test.be", "Pieter Claes", ["editor"], "nl"],
    ["nina@test.be", "Nina Peeters", ["responder"], "fr"],
    ["admin@test.be", "Alex Admin", ["admin"], "en"],
  ];
  for (const [email, name, roles, uiLanguage] of people) {
    const r = await createUser(ctx, { id: null, label: "test" }, { email, displayName: name, password: PASSWORD, roles, uiLanguage });
    if (!r.ok) throw new Error("user");
  }
  await makeApiChannel(ctx, "mastodon", "bilingual", `${fake.url}/mastodon`, { accessToken: "mastodon-token" });
  const questions = [
    {
      slug: "myminfin-login",
      fr: "Comment me connecter à MyMinfin ?",
      nl: "Hoe meld ik me aan op MyMinfin?",
      keywords_fr: ["myminfin", "itsme"],
      keywords_nl: ["myminfin", "itsme"],
      url_fr: "https://finances.belgium.be/fr/myminfin",
      answer_fr: "Connectez-vous avec itsme ou votre carte d'identité sur MyMinfin.",
      answer_nl: "Meld u aan met itsme of uw identiteitskaart op MyMinfin.",
    },
  ];
  expect(await importQuestionsAs(ctx, { id: null, label: "test" }, { format: "json", content: JSON.stringify(questions) })).toMatchObject({ ok: true });
  server = await startTestServer(ctx);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.close();
  await t?.drop();
});

const as = (email: string): Promise<Page> => pageAs(browser, server.url, email, PASSWORD);

describe("the inbox in a browser", () => {
  it("a conversation manager finds the French message in the French queue, assigns it, answers it once, and it leaves the queue; axe finds nothing serious", async () => {
    const statusId = fake.mention("mastodon", { author: "camille@fake.social", text: "Bonjour, je n'arrive pas à me connecter à MyMinfin depuis ce matin." });
    fake.mention("mastodon", { author: "joris@fake.social", text: "Goedemiddag, wanneer krijg ik mijn terugbetaling van de belastingen?" });
    await collectInbox(ctx, { deps: adapterDeps(ctx, fetch) });

    const lea = await as("lea@test.be");
    await lea.getByRole("link", { name: "Messages" }).click();
    await lea.waitForURL(/\/inbox/);
    const rows = lea.getByTestId("conversation-row");
    await expect.poll(async () => await rows.count()).toBe(1);
    await expectText(rows.first(), /camille@fake\.social/);
    const inbox = await new AxeBuilder({ page: lea }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(inbox.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);

    await rows.first().getByRole("link", { name: "camille@fake.social" }).click();
    await lea.waitForURL(/\/inbox\/[0-9a-f-]{36}$/);
    await lea.getByRole("button", { name: "Me l'attribuer" }).click();
    await expectText(lea.getByTestId("conversation-facts"), /attribué à Léa Martin/);
    const page = await new AxeBuilder({ page: lea }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(page.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);

    // The reference answer of the question the message is about, in the conversation's language, with its link.
    await expectText(lea.getByTestId("suggested-answers"), /Comment me connecter à MyMinfin/);
    await lea.getByTestId("suggested-answers").getByRole("link", { name: "Utiliser cette réponse" }).click();
    await expect
      .poll(async () => await lea.getByRole("textbox", { name: "Réponse", exact: true }).inputValue())
      .toBe("Connectez-vous avec itsme ou votre carte d'identité sur MyMinfin. https://finances.belgium.be/fr/myminfin");
    await lea.getByRole("textbox", { name: "Réponse", exact: true }).fill("Bonjour Camille, une maintenance est en cours ; réessayez après 14 h.");
    await lea.getByRole("button", { name: "Envoyer la réponse" }).click();
    await expectText(lea.getByTestId("conversation-result"), /La réponse a été envoyée/);
    await expectText(lea.getByTestId("conversation-thread"), /Notre réponse, par Léa Martin/);
    expect(fake.posts.filter((p) => p.inReplyTo === statusId).map((p) => p.text)).toEqual(["@camille@fake.social Bonjour Camille, une maintenance est en cours ; réessayez après 14 h."]);

    await lea.getByRole("link", { name: "Retour aux messages" }).click();
    await expectText(lea.getByTestId("inbox-empty"), /Rien à traiter/);
    await lea.getByRole("link", { name: "Répondus ou clôturés" }).click();
    await expectText(lea.getByTestId("conversation-row").first(), /Répondu/);
    await lea.context().close();
  });

  it("an editor reads the Dutch queue in Dutch but has nothing to answer with", async () => {
    const pieter = await as("pieter@test.be");
    await pieter.goto(`${server.url}/inbox`);
    const rows = pieter.getByTestId("conversation-row");
    await expectText(rows.first(), /joris@fake\.social/);
    await rows.first().getByRole("link", { name: "joris@fake.social" }).click();
    await pieter.waitForURL(/\/inbox\/[0-9a-f-]{36}$/);
    await expect.poll(async () => await pieter.getByRole("button", { name: "Antwoord versturen" }).count()).toBe(0);
    await pieter.context().close();
  });

  it("an admin names a sensitive word; an answer with it waits until another conversation manager approves it in the 'To approve' queue, then goes out once", async () => {
    const admin = await as("admin@test.be");
    await admin.goto(`${server.url}/admin/settings`);
    await admin.getByRole("textbox", { name: /Sensitive words/ }).fill("médiateur\nklacht");
    const settings = await new AxeBuilder({ page: admin }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(settings.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    await admin.getByRole("button", { name: "Save the settings" }).click();
    await expectText(admin.getByRole("status"), /The settings were saved/);
    await admin.context().close();

    const statusId = fake.mention("mastodon", { author: "fache@fake.social", text: "Bonjour, personne ne répond à mes courriers depuis trois mois, je vais me plaindre." });
    await collectInbox(ctx, { deps: adapterDeps(ctx, fetch) });
    const lea = await as("lea@test.be");
    await lea.goto(`${server.url}/inbox?queue=fr`);
    await lea.getByRole("link", { name: "fache@fake.social" }).click();
    await lea.waitForURL(/\/inbox\/[0-9a-f-]{36}$/);
    const text = "Bonjour, si notre réponse ne vous satisfait pas, le Médiateur fédéral peut vous aider.";
    await lea.getByRole("textbox", { name: "Réponse", exact: true }).fill(text);
    await lea.getByRole("button", { name: "Envoyer la réponse" }).click();
    await expectText(lea.getByTestId("conversation-result"), /attend l'approbation d'une autre personne/);
    await expectText(lea.getByTestId("awaiting-approval"), /« médiateur »/);
    expect(await lea.getByRole("button", { name: "Approuver et envoyer" }).count()).toBe(0);
    expect(fake.posts.filter((p) => p.inReplyTo === statusId)).toHaveLength(0);
    await lea.context().close();

    const nina = await as("nina@test.be");
    await nina.goto(`${server.url}/inbox`);
    await nina.getByRole("link", { name: /À approuver \(1\)/ }).click();
    await nina.getByRole("link", { name: "fache@fake.social" }).click();
    await nina.waitForURL(/\/inbox\/[0-9a-f-]{36}$/);
    const waiting = await new AxeBuilder({ page: nina }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(waiting.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    await nina.getByRole("button", { name: "Approuver et envoyer" }).click();
    await expectText(nina.getByTestId("conversation-result"), /approuvée et envoyée/);
    expect(fake.posts.filter((p) => p.inReplyTo === statusId).map((p) => p.text)).toEqual([`@fache@fake.social ${text}`]);
    await nina.context().close();
  });
});

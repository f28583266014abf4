import AxeBuilder from "@axe-core/playwright";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../app/server/web.server";
import { saveItem } from "../../app/services/content-items.server";
import type { AppContext } from "../../app/services/context.server";
import { createUser } from "../../app/services/users.server";
import type { Role, User } from "../../db/schema";
import { makeApiChannel } from "../publishing-factories";
import { createTestDatabase, testContext, type TestDatabase } from "../setup/database";
import { startTestServer } from "../setup/web";
import { launchBrowser } from "./browser";
import { expectText, pageAs } from "./helpers";

/**
 * Visuals in the editor, in chromium: the French infographic chosen with the file picker by
 * keyboard, its Dutch twin dropped on the drop zone, both alt texts written and saved; axe on the
 * page with its visuals.
 */
let t: TestDatabase;
let ctx: AppContext;
let server: RunningWebServer;
let browser: Browser;
let dataDir: string;
let itemId: string;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cadence-visuals-e2e-"));
  const base = testContext(t.db);
  ctx = { ...base, config: { ...base.config, dataDir, media: { ...base.config.media, directory: path.join(dataDir, "media") } } };
  const people: [string, string, Role[]][] = [["sophie@test.be", "Sophie Lambert", ["editor"]]];
  let editor: User | null = null;
  for (const [email, name, roles] of people) {
    const r = await createUser(ctx, { id: null, label: "test" }, { email, displayName: name, password: PASSWORD, roles, uiLanguage: "fr" });
    if (!r.ok) throw new Error("user");
    editor = await t.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirstOrThrow();
  }
  const fr = await makeApiChannel(ctx, "outbox", "fr", null, {});
  const nl = await makeApiChannel(ctx, "outbox", "nl", null, {});
  const x = await makeApiChannel(ctx, "x", "fr", "http://127.0.0.1:9/x", { accessToken: "x" });
  const saved = await saveItem(ctx, editor!, null, { localDate: "2030-09-10", localTime: "10:00", sourceLanguage: "fr", frText: "Déclarez avant le 15 juillet.", nlText: "Dien uw aangifte in voor 15 juli.", channelIds: [fr.id, nl.id, x.id] });
  if (!saved.ok) throw new Error("item");
  itemId = saved.id;
  server = await startTestServer(ctx);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("visuals in the editor", () => {
  it("the file picker by keyboard and a drop on the drop zone, alt texts in both languages, saved; axe finds nothing serious", async () => {
    const infographic = await sharp({ create: { width: 1200, height: 675, channels: 3, background: "#003399" } }).png().toBuffer();
    const twin = await sharp({ create: { width: 1200, height: 675, channels: 3, background: "#993300" } }).png().toBuffer();
    const page = await pageAs(browser, server.url, "sophie@test.be", PASSWORD);
    await page.goto(`${server.url}/items/${itemId}`);
    // Hydrated: the upload needs the page's script.
    await page.waitForLoadState("networkidle");

    // French: the file picker, reached and opened from the keyboard.
    const french = page.getByTestId("visuals-fr");
    const picker = french.getByLabel("Ajouter une image en français");
    const chooser = page.waitForEvent("filechooser");
    // Reached by keyboard (the picker is a native file input in the tab order) and opened with Space.
    await picker.press("Space");
    await (await chooser).setFiles({ name: "infographie-fr.png", mimeType: "image/png", buffer: infographic });
    await expect.poll(async () => await french.locator("img").count()).toBe(1);
    await french.getByLabel("Texte alternatif du visuel 1 (français)").fill("Infographie : les quatre étapes de la déclaration");
    await french.getByLabel("Contient du texte (l'autre langue a besoin de sa propre version)").check();
    await french.getByRole("button", { name: "Enregistrer les visuels en français" }).click();
    await expectText(french, /Les visuels ont été enregistrés/);

    // Dutch: dropped on the drop zone, as from the desktop.
    const dutch = page.getByTestId("visuals-nl");
    await expectText(dutch, /La source a un visuel contenant du texte/);
    const drop = await page.evaluateHandle(
      ({ bytes, name }) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], name, { type: "image/png" }));
        return data;
      },
      { bytes: [...twin], name: "infografiek-nl.png" },
    );
    await page.getByTestId("drop-nl").dispatchEvent("drop", { dataTransfer: drop });
    await expect.poll(async () => await dutch.locator("img").count()).toBe(1);
    await dutch.getByLabel("Texte alternatif du visuel 1 (néerlandais)").fill("Infografiek: de vier stappen van de aangifte");
    await dutch.getByLabel("Contient du texte (l'autre langue a besoin de sa propre version)").check();
    await dutch.getByRole("button", { name: "Enregistrer les visuels en néerlandais" }).click();
    await expectText(dutch, /Les visuels ont été enregistrés/);

    // The previews show each version's visual as the network crops it: X at 16:9, the outbox whole.
    const onX = page.getByTestId("preview-x-fr").getByTestId("preview-visuals");
    await expect.poll(async () => await onX.getAttribute("data-aspect")).toBe("1.778");
    const box = (await onX.locator("img").boundingBox())!;
    expect(box.width / box.height).toBeCloseTo(16 / 9, 1);
    expect(await onX.locator("img").getAttribute("alt")).toBe("Infographie : les quatre étapes de la déclaration");
    expect(await page.getByTestId("preview-outbox-nl").getByTestId("preview-visuals").getAttribute("data-aspect")).toBe("whole");

    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);

    const variants = await t.db.selectFrom("variants").select(["language", "visuals"]).where("content_item_id", "=", itemId).orderBy("language").execute();
    expect(variants.map((v) => [v.language, v.visuals.map((x) => [x.alt, x.containsText])])).toEqual([
      ["fr", [["Infographie : les quatre étapes de la déclaration", true]]],
      ["nl", [["Infografiek: de vier stappen van de aangifte", true]]],
    ]);
    expect(variants[0]!.visuals[0]!.hash).not.toBe(variants[1]!.visuals[0]!.hash);
    await page.context().close();
  });
});

import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../app/domain/csv";
import { brusselsMonthOf } from "../app/domain/time/brussels";
import type { RunningWebServer } from "../app/server/web.server";
import { ARCHIVE_CSV_COLUMNS, monthArchive, type MonthArchive } from "../app/services/archive.server";
import { actorOf } from "../app/services/audit.server";
import type { AppContext } from "../app/services/context.server";
import { actOnPublication } from "../app/services/publishing-admin.server";
import { syncPublications } from "../app/services/publication-plan.server";
import { checkPublishable } from "../app/services/review.server";
import type { Channel, User } from "../db/schema";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";
import { makeApiChannel, makeDueNow, makeScheduledItems, publicationStates, publishUntilSettled } from "./publishing-factories";
import { createTestDatabase, processEnv, testContext, type TestDatabase } from "./setup/database";
import { signedInClient, startTestServer } from "./setup/web";
import { makePasswordUser } from "./factories";

let t: TestDatabase;
let ctx: AppContext;
let fake: FakeNetworks;
let server: RunningWebServer;
const users: Record<string, User> = {};
let outboxFr: Channel;
let outboxNl: Channel;
let x: Channel;
let itemIds: string[];
let month: string;

/** Publishes a seeded month for real: outbox channels, and X, whose one refusal a person confirms by hand. */
beforeAll(async () => {
  t = await createTestDatabase();
  ctx = testContext(t.db);
  fake = await startFakeNetworks();
  for (const [key, roles] of [
    ["editor", ["editor"]],
    ["translator", ["translator"]],
    ["approver", ["approver"]],
    ["viewer", ["viewer"]],
  ] as const) {
    users[key] = await makePasswordUser(ctx, { email: `${key}@test.be`, displayName: `The ${key}`, roles });
  }
  outboxFr = await makeApiChannel(ctx, "outbox", "fr", null, {});
  outboxNl = await makeApiChannel(ctx, "outbox", "nl", null, {});
  x = await makeApiChannel(ctx, "x", "bilingual", `${fake.url}/x`, { accessToken: "x-token" });
  itemIds = await makeScheduledItems(t.db, users.editor!, users.approver!, [outboxFr, outboxNl], { count: 3, localDate: "2030-03-04" });
  itemIds.push(...(await makeScheduledItems(t.db, users.editor!, users.approver!, [x], { count: 1, localDate: "2030-03-05" })));
  // The seeded month's people: a translator wrote the Dutch versions; one item went out under a
  // one-language exception (French only, Dutch to follow) that was asked for and allowed, which
  // takes its Dutch publication off the plan.
  await t.db.updateTable("variants").set({ translated_by: users.translator!.id, translated_at: new Date() }).where("content_item_id", "in", itemIds).where("language", "=", "nl").execute();
  await t.db
    .insertInto("parity_exceptions")
    .values({ content_item_id: itemIds[0]!, language: "fr", reason: "Urgent correction, Dutch follows", status: "approved", requested_by: users.editor!.id, decided_by: users.approver!.id, decided_at: new Date() })
    .execute();
  await t.db.deleteFrom("content_item_channels").where("content_item_id", "=", itemIds[0]!).where("channel_id", "=", outboxNl.id).execute();
  const check = await checkPublishable(t.db, itemIds[0]!);
  if (!check.ok) throw new Error(JSON.stringify(check.reasons));
  const variants = await t.db.selectFrom("variants").selectAll().where("content_item_id", "=", itemIds[0]!).execute();
  await syncPublications(t.db, check.item!, variants, check.texts);
  fake.fail("x", { status: 403, body: { title: "Forbidden", detail: "You are not permitted to perform this action.", status: 403 } });
  await makeDueNow(t.db, itemIds);
  await publishUntilSettled(ctx, itemIds);
  const xPublication = (await publicationStates(t.db, [itemIds[3]!]))[0]!;
  expect(xPublication.state).toBe("failed");
  expect(await actOnPublication(ctx, users.editor!, xPublication.id, { action: "confirm", remoteUrl: "https://x.com/cadence/status/42" })).toEqual({ ok: true });
  const published = await t.db.selectFrom("publications").select("published_at").where("content_item_id", "in", itemIds).where("state", "=", "published").execute();
  expect(published).toHaveLength(6);
  month = brusselsMonthOf(published[0]!.published_at!);
  server = await startTestServer(ctx);
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
  await t?.drop();
});

const signedIn = (key: string) => signedInClient(server.url, `${key}@test.be`, "correct horse battery");

describe("the archive export of a month", () => {
  it("holds every publication of the month with the exact text the network received, the channel, time, remote id and URL, and the people", async () => {
    const archive = (await monthArchive(ctx, month, actorOf(users.approver!)))!;
    expect(archive.publicationCount).toBe(6);
    expect(archive.items.map((i) => i.id).sort()).toEqual([...itemIds].sort());
    const rows = await t.db
      .selectFrom("publications")
      .select(["id", "content_item_id", "channel_id", "remote_id", "remote_url", "published_at"])
      .where("content_item_id", "in", itemIds)
      .where("state", "=", "published")
      .execute();
    const outbox = await t.db.selectFrom("outbox_messages").select(["publication_id", "payload"]).execute();
    for (const row of rows) {
      const item = archive.items.find((i) => i.id === row.content_item_id)!;
      const p = item.publications.find((q) => q.id === row.id)!;
      expect(p.channel.id).toBe(row.channel_id);
      expect(p.remoteId).toBe(row.remote_id);
      expect(p.remoteUrl).toBe(row.remote_url);
      expect(new Date(p.publishedAt!).getTime()).toBe(row.published_at!.getTime());
      // The exact text: what the outbox received, or what the fake X was sent.
      const delivered = outbox.find((m) => m.publication_id === row.id);
      if (delivered) expect(p.text).toBe((delivered.payload as { text: string }).text);
    }
    const xItem = archive.items.find((i) => i.id === itemIds[3])!;
    const sentToX = fake.posts.filter((p) => p.network === "x");
    expect(sentToX).toHaveLength(0); // X refused it; a person confirmed it by hand
    expect(xItem.publications[0]).toMatchObject({ remoteUrl: "https://x.com/cadence/status/42", confirmedBy: { name: "The editor" } });
    expect(xItem.publications[0]!.text).toMatch(/^Publication de test \d+ : votre déclaration en ligne\.\n\nTestbericht \d+: uw aangifte online\.$/);
    const first = archive.items.find((i) => i.id === itemIds[0])!;
    expect(first.author).toEqual({ name: "The editor", email: "editor@test.be" });
    expect(first.variants.map((v) => [v.language, v.translatedBy, v.approvedBy])).toEqual([
      ["fr", null, "The approver"],
      ["nl", "The translator", "The approver"],
    ]);
    expect(first.variants[0]!.text).toMatch(/^Publication de test/);
    expect(first.publications.map((p) => p.channel.id)).toEqual([outboxFr.id]);
    expect(first.exceptions).toEqual([expect.objectContaining({ language: "fr", status: "approved", reason: "Urgent correction, Dutch follows", requestedBy: "The editor", decidedBy: "The approver" })]);
    // Nothing from another month.
    const next = (await monthArchive(ctx, month === "2099-12" ? "2099-11" : "2099-12", actorOf(users.approver!)))!;
    expect(next.items).toEqual([]);
  });

  it("downloads as JSON and CSV for admins and approvers, each download audited; others get a 403; a bad month is a 404", async () => {
    const approver = await signedIn("approver");
    const json = await approver.request(`/archive/${month}/export?format=json`);
    expect(json.status).toBe(200);
    expect(json.headers.get("content-disposition")).toBe(`attachment; filename="cadence-archive-${month}.json"`);
    const archive = JSON.parse(json.text) as MonthArchive;
    expect(archive).toMatchObject({ format: "cadence-archive", version: 1, month, timeZone: "Europe/Brussels", publicationCount: 6, generatedBy: "The approver" });

    const csv = await approver.request(`/archive/${month}/export?format=csv&sep=semicolon`);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = parseCsv(csv.text.replace(/^\uFEFF/, ""), ";");
    expect(lines[0]).toEqual([...ARCHIVE_CSV_COLUMNS]);
    expect(lines).toHaveLength(7);
    const sentText = lines[0]!.indexOf("sent_text");
    const publicationId = lines[0]!.indexOf("publication_id");
    for (const line of lines.slice(1)) {
      const p = archive.items.flatMap((i) => i.publications).find((q) => q.id === line[publicationId]);
      expect(line[sentText]).toBe(p!.text);
    }
    const page = await approver.request(`/archive/${month}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("6 publications of 4 posts.");

    const exports = await t.db.selectFrom("audit_events").select(["action", "after"]).where("action", "=", "archive.exported").orderBy("id").execute();
    expect(exports.map((e) => e.after)).toEqual([
      { format: "json", publications: 6, answers: 0 },
      { format: "csv", publications: 6, answers: 0 },
    ]);

    for (const key of ["editor", "translator", "viewer"]) {
      const client = await signedIn(key);
      expect((await client.request(`/archive/${month}/export?format=json`)).status).toBe(403);
      expect((await client.request(`/archive/${month}`)).status).toBe(403);
    }
    expect((await approver.request("/archive/2030-13/export")).status).toBe(404);
    expect((await approver.request("/archive/nonsense")).status).toBe(404);
    expect((await approver.request("/archive?month=2030-02")).headers.get("location")).toBe("/archive/2030-02");
  });

  it("npm run archive:export writes the same archive from the command line, and refuses a bad month", async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const env = processEnv(t.url);
        const child = spawn(process.execPath, ["--import", "tsx", path.resolve("app/cli/archive-export.ts"), ...args], { env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("exit", (code) => resolve({ code, stdout, stderr }));
      });
    const json = await run([month]);
    expect(json.code).toBe(0);
    const fromCli = JSON.parse(json.stdout) as MonthArchive;
    const fromService = (await monthArchive(ctx, month, { id: null, label: "command line (archive:export)" }))!;
    expect({ ...fromCli, generatedAt: null }).toEqual({ ...fromService, generatedAt: null });
    const csv = await run([month, "--format", "csv"]);
    expect(parseCsv(csv.stdout.replace(/^\uFEFF/, ""))).toHaveLength(7);
    const bad = await run(["2030-1"]);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toMatch(/2030-1 is not a month/);
  });
});

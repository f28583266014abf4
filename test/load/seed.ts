import { sql } from "kysely";
import type { Role } from "../../app/domain/permissions";
import { createApiToken } from "../../app/services/api.server";
import { SYSTEM_ACTOR } from "../../app/services/audit.server";
import { saveItem } from "../../app/services/content-items.server";
import type { AppContext } from "../../app/services/context.server";
import { saveTranslation, submitForReview } from "../../app/services/review.server";
import { createUser } from "../../app/services/users.server";
import type { Channel, User } from "../../db/schema";
import { makeApiChannel, makeScheduledItems } from "../publishing-factories";

/**
 * What the load test starts from: 50 people of every role with passwords, outbox channels, items to
 * edit and move (drafts), items waiting for approval, API tokens, and 2,000 publications that fall
 * due one after another during the run.
 */

export const LOAD_PASSWORD = "load test password 2026";

/** 50 people: how a communication cell of that size is made up. */
const TEAM: { roles: Role[]; count: number }[] = [
  { roles: ["admin", "editor", "approver"], count: 4 },
  { roles: ["editor"], count: 16 },
  { roles: ["translator"], count: 10 },
  { roles: ["approver"], count: 10 },
  { roles: ["viewer"], count: 10 },
];

export interface LoadPlan {
  people: { user: User; email: string }[];
  channels: Channel[];
  /** Drafts for edits and moves, with the version the bench last saw. */
  drafts: { id: string; version: number }[];
  /** Items waiting for approval, with their version. */
  awaiting: { id: string; version: number }[];
  /** Three write tokens, shared by the people who call the API: enough calls to meet the limit. */
  tokens: string[];
  /** The items whose publications fall due during the run. */
  dueItems: string[];
}

export async function seedLoad(ctx: AppContext, options: { drafts: number; awaiting: number; duePublications: number; month: string; nextMonth: string }): Promise<LoadPlan> {
  const people: LoadPlan["people"] = [];
  let n = 0;
  for (const { roles, count } of TEAM) {
    for (let i = 0; i < count; i++) {
      const email = `person${++n}@load.test`;
      const created = await createUser(ctx, SYSTEM_ACTOR, { email, displayName: `Person ${n}`, password: LOAD_PASSWORD, roles, uiLanguage: n % 2 ? "fr" : "nl" });
      if (!created.ok) throw new Error(`user ${email}: ${JSON.stringify(created)}`);
      people.push({ user: created.user, email });
    }
  }
  const channels = [await makeApiChannel(ctx, "outbox", "fr", null, {}), await makeApiChannel(ctx, "outbox", "nl", null, {})];
  const editors = people.filter((p) => p.user.roles.includes("editor") && !p.user.roles.includes("approver")).map((p) => p.user);
  const translator = people.find((p) => p.user.roles.includes("translator"))!.user;
  const day = (i: number, month = options.month) => `${month}-${String(1 + (i % 28)).padStart(2, "0")}`;
  const time = (i: number) => `${String(8 + (i % 10)).padStart(2, "0")}:${String((i * 7) % 60).padStart(2, "0")}`;

  const drafts: LoadPlan["drafts"] = [];
  for (let i = 0; i < options.drafts; i++) {
    const r = await saveItem(ctx, editors[i % editors.length]!, null, { localDate: day(i), localTime: time(i), sourceLanguage: "fr", frText: `Brouillon ${i} : votre déclaration en ligne.`, nlText: `Ontwerp ${i}: uw aangifte online.`, channelIds: channels.map((c) => c.id) });
    if (!r.ok) throw new Error(`draft: ${JSON.stringify(r.errors)}`);
    drafts.push({ id: r.id, version: r.version });
  }
  const awaiting: LoadPlan["awaiting"] = [];
  for (let i = 0; i < options.awaiting; i++) {
    const author = editors[i % editors.length]!;
    const r = await saveItem(ctx, author, null, { localDate: day(i + 3, options.nextMonth), localTime: time(i + 5), sourceLanguage: "fr", frText: `À approuver ${i} : les dates de la déclaration.`, nlText: "", channelIds: channels.map((c) => c.id) });
    if (!r.ok) throw new Error(`review item: ${JSON.stringify(r.errors)}`);
    const submitted = await submitForReview(ctx, author, r.id, r.version);
    if (!submitted.ok) throw new Error(submitted.key);
    const translated = await saveTranslation(ctx, translator, r.id, "nl", { version: submitted.version, text: `Goed te keuren ${i}: de data van de aangifte.`, submit: "1" });
    if (!translated.ok) throw new Error(translated.key);
    awaiting.push({ id: r.id, version: translated.version });
  }
  const tokens: string[] = [];
  for (const editor of editors.slice(0, 3)) {
    const made = await createApiToken(ctx, editor, { name: "load", scope: "write" });
    if (!made.ok) throw new Error("token");
    tokens.push(made.token);
  }
  const approver = people.find((p) => p.user.roles.includes("approver"))!.user;
  const dueItems = await makeScheduledItems(ctx.db, editors[0]!, approver, channels, { count: options.duePublications / channels.length, localDate: "2031-06-02" });
  return { people, channels, drafts, awaiting, tokens, dueItems };
}

/** The publications of `items` fall due one after another from `from`, `everyMs` apart. */
export async function spreadDue(ctx: AppContext, items: string[], from: Date, everyMs: number): Promise<void> {
  await sql`
    update publications p set due_at = ${from}::timestamptz + (o.n * ${everyMs}) * interval '1 millisecond', next_attempt_at = ${from}::timestamptz + (o.n * ${everyMs}) * interval '1 millisecond'
    from (select id, row_number() over (order by id) - 1 as n from publications where content_item_id = any(${items}::uuid[])) o
    where p.id = o.id`.execute(ctx.db);
}

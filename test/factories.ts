import type { Db } from "../db/client";
import { insertChannel } from "../db/repositories/channels";
import { insertContentItem } from "../db/repositories/content-items";
import { insertUser } from "../db/repositories/users";
import type { ChannelLanguage, ItemStatus, Network, Role, UiLanguage, User } from "../db/schema";
import { SYSTEM_ACTOR } from "../app/services/audit.server";
import type { AppContext } from "../app/services/context.server";
import { createUser } from "../app/services/users.server";
import { resolveLocalTime } from "../app/domain/time/brussels";

let counter = 0;

/** The password of the users tests sign in with. */
export const TEST_PASSWORD = "correct horse battery";

/**
 * A user who signs in with a password, created through the app's own service (password hashed,
 * creation audited). Display name: the e-mail; interface: English; password: TEST_PASSWORD.
 */
export async function makePasswordUser(
  ctx: AppContext,
  input: { email: string; roles: readonly Role[]; displayName?: string; password?: string; uiLanguage?: UiLanguage },
): Promise<User> {
  const r = await createUser(ctx, SYSTEM_ACTOR, { displayName: input.email, password: TEST_PASSWORD, uiLanguage: "en", ...input, roles: [...input.roles] });
  if (!r.ok) throw new Error(`cannot create ${input.email}: ${JSON.stringify(r.errors)}`);
  return r.user;
}

/** A user with the given roles (no password: services are called directly). */
export async function makeUser(db: Db, roles: Role[], name = `User ${++counter}`): Promise<User> {
  return await insertUser(db, { email: `u${Date.now()}-${++counter}@test.be`, display_name: name, roles, password_hash: null });
}

export async function makeChannel(db: Db, network: Network, language: ChannelLanguage, name = `${network}-${language}-${++counter}`) {
  return await insertChannel(db, { network, language, name, handle: name, base_url: null, credentials_encrypted: null });
}

/** An item at a Brussels date and time with both texts (or only the French one). */
export async function makeItem(
  db: Db,
  author: User,
  options: { localDate: string; localTime?: string; status?: ItemStatus; fr?: string; nl?: string | null; channelIds: string[] },
) {
  const localTime = options.localTime ?? "09:00";
  const resolved = resolveLocalTime(options.localDate, localTime);
  if (!resolved.ok) throw new Error(`bad test time ${options.localDate} ${localTime}`);
  const nl = options.nl === undefined ? "Nederlandse tekst" : options.nl;
  return await insertContentItem(
    db,
    {
      scheduled_at: resolved.scheduledAt,
      local_date: options.localDate,
      local_time: localTime,
      status: options.status ?? "draft",
      source_language: "fr",
      author_id: author.id,
      updated_by: author.id,
    },
    [
      { language: "fr", text: options.fr ?? "Texte français", link_url: null, image_alt: null, status: "draft", source_hash: null, translated_by: null },
      { language: "nl", text: nl ?? "", link_url: null, image_alt: null, status: nl ? "draft" : "missing", source_hash: null, translated_by: null },
    ],
    options.channelIds,
  );
}

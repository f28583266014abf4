import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001_initial";
import * as m0002 from "./0002_item_updated_by";
import * as m0003 from "./0003_review";
import * as m0004 from "./0004_publishing";
import * as m0005 from "./0005_reminders";
import * as m0006 from "./0006_calendar_read_model";
import * as m0007 from "./0007_question_volumes";
import * as m0008 from "./0008_calendar_feeds";
import * as m0009 from "./0009_api_tokens";
import * as m0010 from "./0010_governance";
import * as m0011 from "./0011_scheduler_heartbeats";
import * as m0012 from "./0012_inbox";
import * as m0013 from "./0013_inbox_approval_watches";
import * as m0014 from "./0014_media";
import * as m0015 from "./0015_media_read_model";
import * as m0016 from "./0016_analytics";
import * as m0017 from "./0017_metrics_cursors";
import * as m0018 from "./0018_tag_learning";
import * as m0019 from "./0019_shared_rate_limit";
import * as m0020 from "./0020_media_staging";
import * as m0021 from "./0021_metric_totals";

/**
 * Every migration, listed explicitly: FileMigrationProvider breaks under vitest and bundlers.
 * Names sort in the order they run; add new ones at the end.
 */
export const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_item_updated_by": m0002,
  "0003_review": m0003,
  "0004_publishing": m0004,
  "0005_reminders": m0005,
  "0006_calendar_read_model": m0006,
  "0007_question_volumes": m0007,
  "0008_calendar_feeds": m0008,
  "0009_api_tokens": m0009,
  "0010_governance": m0010,
  "0011_scheduler_heartbeats": m0011,
  "0012_inbox": m0012,
  "0013_inbox_approval_watches": m0013,
  "0014_media": m0014,
  "0015_media_read_model": m0015,
  "0016_analytics": m0016,
  "0017_metrics_cursors": m0017,
  "0018_tag_learning": m0018,
  "0019_shared_rate_limit": m0019,
  "0020_media_staging": m0020,
  "0021_metric_totals": m0021,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};

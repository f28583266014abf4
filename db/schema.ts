import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { UploadedMedia, Visual } from "../app/domain/visuals";
import type { InstanceMediaLimits } from "../app/domain/network-media";
import type { CloseReason, ConversationState } from "../app/domain/conversation-triage";
import type { Role } from "../app/domain/permissions";

/** Columns the database fills in on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;
/** Kept by the database itself (triggers): selected, never inserted or updated by the application. */
type DatabaseKept<T> = ColumnType<T, never, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type UiLanguage = "fr" | "nl" | "en";
export type { Role };
export type Network = "x" | "facebook" | "linkedin" | "mastodon" | "bluesky" | "youtube" | "webhook" | "outbox";
export type ChannelLanguage = "fr" | "nl" | "bilingual";
export type ContentLanguage = "fr" | "nl" | "de";
export type ItemStatus =
  | "draft"
  | "in_translation"
  | "awaiting_approval"
  | "scheduled"
  | "published"
  | "partly_failed"
  | "failed"
  | "held"
  | "archived";
export type VariantStatus = "missing" | "draft" | "submitted" | "approved" | "rejected";
export type PublicationState = "scheduled" | "sending" | "published" | "failed" | "unconfirmed" | "cancelled";

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  ui_language: Defaulted<UiLanguage>;
  roles: Defaulted<Role[]>;
  password_hash: string | null;
  /** The identity provider's subject for single sign-on users (migration 0010). */
  oidc_subject: string | null;
  active: Defaulted<boolean>;
  version: Defaulted<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Date;
}

export interface ChannelsTable {
  id: Generated<string>;
  network: Network;
  language: ChannelLanguage;
  name: string;
  handle: string;
  base_url: string | null;
  credentials_encrypted: string | null;
  active: Defaulted<boolean>;
  needs_reconnect: Defaulted<boolean>;
  reconnect_reason: string | null;
  version: Defaulted<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** A Mastodon instance's own media limits, read from /api/v2/instance (migration 0015). */
  media_limits: ColumnType<InstanceMediaLimits | null, string | null | undefined, string | null>;
  /** The channel's posts carry Cadence's short tracked links instead of their link (migration 0016). */
  track_links: Defaulted<boolean>;
}

export interface ContentItemsTable {
  id: Generated<string>;
  scheduled_at: Date;
  /** Brussels date, `yyyy-MM-dd` (the pg driver is set to return DATE as text). */
  local_date: string;
  /** Brussels wall-clock time, `HH:mm`. */
  local_time: string;
  occurrence: Defaulted<"first" | "second">;
  status: Defaulted<ItemStatus>;
  source_language: "fr" | "nl";
  german_enabled: Defaulted<boolean>;
  version: Defaulted<number>;
  author_id: string;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The calendar's read model, kept by triggers (migration 0006): never written by the application. */
  preview_fr: DatabaseKept<string>;
  preview_nl: DatabaseKept<string>;
  channel_ids: DatabaseKept<string[]>;
  tag_slugs: DatabaseKept<string[]>;
  /** The first visual's file, for the calendar's thumbnail (migration 0015). */
  thumb_hash: DatabaseKept<string | null>;
  /** Set on a past post imported as history (no publication; migration 0018). */
  imported_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface VariantsTable {
  id: Generated<string>;
  content_item_id: string;
  language: ContentLanguage;
  text: Defaulted<string>;
  link_url: string | null;
  image_alt: string | null;
  status: Defaulted<VariantStatus>;
  /** The hash of the source's text and link this translation was made from (stale when it differs). */
  source_hash: string | null;
  translated_by: string | null;
  translated_at: Date | null;
  /** The source's text when this translation was made. */
  source_text: string | null;
  /** The hash of the exact text, link and alt text that was approved. */
  approved_hash: string | null;
  approved_by: string | null;
  approved_at: Date | null;
  rejection_comment: string | null;
  version: Defaulted<number>;
  updated_at: Timestamp;
  /** Its images or video with their alt texts (migration 0014); written as JSON text. */
  visuals: ColumnType<Visual[], string | undefined, string>;
}

export interface ContentItemChannelsTable {
  content_item_id: string;
  channel_id: string;
}

export interface PublicationsTable {
  id: Generated<string>;
  variant_id: string;
  channel_id: string;
  state: Defaulted<PublicationState>;
  attempts: Defaulted<number>;
  next_attempt_at: Date | null;
  remote_id: string | null;
  remote_url: string | null;
  last_error: string | null;
  published_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  content_item_id: string;
  languages: Defaulted<"fr" | "nl" | "fr+nl" | "nl+fr">;
  due_at: Date;
  deadline_at: Date;
  idempotency_key: Defaulted<string>;
  remote_key: string | null;
  claimed_by: string | null;
  claimed_at: Date | null;
  sent_at: Date | null;
  last_error_code: string | null;
  /** The exact text and link sent, stored when the call starts (migration 0010). */
  sent_text: string | null;
  sent_link: string | null;
  /** Each visual's id at the network, stored before the post call (migration 0014). */
  media_ids: ColumnType<Record<string, UploadedMedia>, string | undefined, string>;
  /** When the stager last uploaded (or checked) its visuals ahead of the minute (migration 0020). */
  media_staged_at: Date | null;
}

export interface PublishingHoldsTable {
  id: Generated<string>;
  scope: "all" | "channel" | "language";
  channel_id: string | null;
  language: "fr" | "nl" | null;
  reason: string;
  held_by: string;
  held_at: Timestamp;
  released_by: string | null;
  released_at: Date | null;
}

export interface OutboxMessagesTable {
  id: Generated<number>;
  publication_id: string;
  channel_id: string;
  idempotency_key: string;
  payload: unknown;
  received_at: Timestamp;
}

export interface RecurringQuestionsTable {
  id: Generated<string>;
  slug: string;
  label_fr: string;
  label_nl: string;
  keywords_fr: Defaulted<string[]>;
  keywords_nl: Defaulted<string[]>;
  url_fr: string | null;
  url_nl: string | null;
  /** The reference answer the inbox offers (at most 400 characters). */
  answer_fr: Defaulted<string | null>;
  answer_nl: Defaulted<string | null>;
  monthly_volume: Defaulted<number>;
  active: Defaulted<boolean>;
  version: Defaulted<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface QuestionVolumesTable {
  recurring_question_id: string;
  /** `yyyy-MM`. */
  month: string;
  count: number;
  imported_by: string | null;
  imported_at: Timestamp;
}

export interface CalendarFeedsTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  channel_ids: Defaulted<string[]>;
  statuses: Defaulted<string[]>;
  language: "fr" | "nl";
  created_at: Timestamp;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  scope: "read" | "write";
  created_at: Timestamp;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface ItemTagsTable {
  content_item_id: string;
  recurring_question_id: string;
}

export interface DayNotesTable {
  id: Generated<string>;
  local_date: string;
  text_fr: string;
  text_nl: string;
  author_id: string | null;
  version: Defaulted<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditEventsTable {
  id: Generated<number>;
  actor_id: string | null;
  actor_label: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  occurred_at: Timestamp;
  before: unknown;
  after: unknown;
}

export interface ItemCommentsTable {
  id: Generated<string>;
  content_item_id: string;
  author_id: string;
  body: string;
  created_at: Timestamp;
}

export type ExceptionStatus = "requested" | "approved" | "rejected" | "withdrawn";

export interface ParityExceptionsTable {
  id: Generated<string>;
  content_item_id: string;
  language: "fr" | "nl";
  reason: string;
  status: Defaulted<ExceptionStatus>;
  requested_by: string;
  requested_at: Timestamp;
  decided_by: string | null;
  decided_at: Date | null;
  decision_comment: string | null;
}

export interface SettingsTable {
  key: string;
  value: unknown;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface RemindersTable {
  id: Generated<string>;
  user_id: string;
  content_item_id: string;
  kind: "translation" | "approval";
  language: string | null;
  due_date: string;
  created_at: Timestamp;
  dismissed_at: Date | null;
}

export interface SchedulerHeartbeatsTable {
  instance: string;
  host: string;
  pid: number;
  started_at: Date;
  beat_at: Timestamp;
}

export type ConversationLanguage = "fr" | "nl" | "other";
export type { CloseReason, ConversationState };
export type ReplyState = "awaiting_approval" | "rejected" | "sending" | "sent" | "failed" | "unconfirmed";

export interface InboxCursorsTable {
  channel_id: string;
  position: string | null;
  polled_at: Date | null;
  not_before: Date | null;
  failures: Defaulted<number>;
  last_error_code: string | null;
  last_error: string | null;
}

export interface ConversationsTable {
  id: Generated<string>;
  channel_id: string;
  citizen_handle: string;
  content_item_id: string | null;
  language: ConversationLanguage;
  state: Defaulted<ConversationState>;
  close_reason: CloseReason | null;
  assignee_id: string | null;
  first_message_at: Date;
  last_message_at: Date;
  due_at: Date;
  first_response_at: Date | null;
  closed_at: Date | null;
  replying_by: Defaulted<string | null>;
  replying_until: Defaulted<Date | null>;
  /** Addressed to us, or found by a keyword watch (migration 0013). */
  origin: Defaulted<"addressed" | "watch">;
  version: Defaulted<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InboxMessagesTable {
  id: Generated<string>;
  conversation_id: string;
  channel_id: string;
  remote_id: string;
  remote_cid: string | null;
  root_remote_id: string | null;
  root_remote_cid: string | null;
  in_reply_to_remote_id: string | null;
  author_handle: string;
  text: string;
  language: ConversationLanguage;
  visibility: string | null;
  written_at: Date;
  collected_at: Timestamp;
}

export interface InboxRepliesTable {
  id: Generated<string>;
  conversation_id: string;
  message_id: string;
  author_id: string;
  text: string;
  idempotency_key: Defaulted<string>;
  remote_key: string | null;
  state: ReplyState;
  claimed_by: string | null;
  claimed_at: Date | null;
  remote_id: string | null;
  remote_url: string | null;
  error_code: string | null;
  error: string | null;
  created_at: Timestamp;
  sent_at: Date | null;
  /** Why a second person must approve it (migration 0013); null when it went out directly. */
  approval_reasons: string[] | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
}

export interface MediaFilesTable {
  hash: string;
  kind: "image" | "video";
  format: "jpeg" | "png" | "gif" | "webp" | "mp4" | "mov";
  bytes: string | number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  codec: string | null;
  original_name: string;
  uploaded_by: string | null;
  created_at: Timestamp;
  unused_since: Date | null;
}

export interface InboxWatchCursorsTable {
  channel_id: string;
  term: string;
  position: string | null;
  polled_at: Date | null;
  not_before: Date | null;
  failures: Defaulted<number>;
  last_error_code: string | null;
  last_error: string | null;
}

export interface ConversationAlertsTable {
  id: Generated<string>;
  user_id: string;
  conversation_id: string;
  created_at: Timestamp;
  emailed_at: Date | null;
  dismissed_at: Date | null;
}

export interface ConversationNotesTable {
  id: Generated<string>;
  conversation_id: string;
  author_id: string;
  text: string;
  created_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  channels: ChannelsTable;
  content_items: ContentItemsTable;
  item_comments: ItemCommentsTable;
  parity_exceptions: ParityExceptionsTable;
  settings: SettingsTable;
  variants: VariantsTable;
  content_item_channels: ContentItemChannelsTable;
  publications: PublicationsTable;
  publishing_holds: PublishingHoldsTable;
  outbox_messages: OutboxMessagesTable;
  reminders: RemindersTable;
  recurring_questions: RecurringQuestionsTable;
  item_tags: ItemTagsTable;
  question_volumes: QuestionVolumesTable;
  calendar_feeds: CalendarFeedsTable;
  api_tokens: ApiTokensTable;
  day_notes: DayNotesTable;
  audit_events: AuditEventsTable;
  scheduler_heartbeats: SchedulerHeartbeatsTable;
  inbox_cursors: InboxCursorsTable;
  inbox_watch_cursors: InboxWatchCursorsTable;
  media_files: MediaFilesTable;
  conversations: ConversationsTable;
  inbox_messages: InboxMessagesTable;
  inbox_replies: InboxRepliesTable;
  conversation_notes: ConversationNotesTable;
  conversation_alerts: ConversationAlertsTable;
  tracked_links: TrackedLinksTable;
  link_clicks: LinkClicksTable;
  publication_metrics: PublicationMetricsTable;
  channel_goals: ChannelGoalsTable;
  metrics_cursors: MetricsCursorsTable;
  metrics_time_cells: MetricsTimeCellsTable;
  tag_models: TagModelsTable;
  tag_feedback: TagFeedbackTable;
  api_rate_windows: ApiRateWindowsTable;
  metric_totals: MetricTotalsTable;
}

export interface TrackedLinksTable {
  code: string;
  publication_id: string;
  target_url: string;
  created_at: Timestamp;
}

export interface LinkClicksTable {
  id: Generated<string>;
  code: string;
  clicked_at: Date;
  bot: boolean;
}

export type MetricMoment = "1h" | "24h" | "7d" | "28d" | "asked";

export interface PublicationMetricsTable {
  id: Generated<string>;
  publication_id: string;
  moment: MetricMoment;
  read_at: Date;
  /** Each figure is null when the network does not offer it ("not available"), never 0. */
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
  impressions: number | null;
  views: number | null;
}

export interface MetricsCursorsTable {
  channel_id: string;
  read_at: Date | null;
  not_before: Date | null;
  failures: Generated<number>;
  error_code: string | null;
  error: string | null;
}

export interface MetricsTimeCellsTable {
  month: string;
  weekday: number;
  hour: number;
  posts: number;
  engagement: string;
}

export interface TagModelsTable {
  version: Generated<number>;
  trained_at: Timestamp;
  fingerprint: string;
  examples: number;
  train_ms: number;
  /** A TagModel (app/domain/tag-model.ts). */
  model: ColumnType<unknown, string, string>;
}

export type TagVerdict = "accepted" | "rejected" | "added";

export interface TagFeedbackTable {
  id: Generated<string>;
  content_item_id: string;
  recurring_question_id: string;
  language: "fr" | "nl";
  verdict: TagVerdict;
  user_id: string | null;
  at: Timestamp;
}

/** All-time histogram totals (migration 0021): `labels` is the canonical `name="value",…` text. */
export interface MetricTotalsTable {
  metric: string;
  labels: string;
  buckets: number[];
  count: number;
  sum: number;
}

export interface ApiRateWindowsTable {
  caller: string;
  window_start: Date;
  count: number;
}

export interface ChannelGoalsTable {
  channel_id: string;
  month: string;
  posts: number | null;
  engagement: number | null;
}

export type Conversation = Selectable<ConversationsTable>;
export type InboxMessage = Selectable<InboxMessagesTable>;
export type InboxReply = Selectable<InboxRepliesTable>;

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Channel = Selectable<ChannelsTable>;
export type ContentItem = Selectable<ContentItemsTable>;
export type Variant = Selectable<VariantsTable>;
export type RecurringQuestion = Selectable<RecurringQuestionsTable>;
export type DayNote = Selectable<DayNotesTable>;
export type AuditEvent = Selectable<AuditEventsTable>;

/** The API's OpenAPI 3.1 description, served at /api/v1/openapi.json and checked against real answers by test/api.test.ts. */

const visual = {
  type: "object",
  required: ["hash", "kind", "alt", "sameInBothLanguages", "containsText", "url"],
  additionalProperties: false,
  properties: {
    hash: { type: "string", pattern: "^[0-9a-f]{64}$", description: "The media library's file (POST /api/v1/media)" },
    kind: { type: "string", enum: ["image", "video"] },
    alt: { type: "string", maxLength: 1000, description: "The text alternative in this version's language (required before approval)" },
    sameInBothLanguages: { type: "boolean", description: "A visual without words, shared by both versions" },
    containsText: { type: "boolean", description: "Words on it: the other version needs its own visual at the same place" },
    url: { type: "string" },
  },
};
const text = {
  type: ["object", "null"],
  required: ["text", "link", "alt"],
  properties: {
    text: { type: "string" },
    link: { type: ["string", "null"] },
    alt: { type: ["string", "null"] },
    visuals: { type: "array", maxItems: 4, items: visual, description: "In one item's answer (GET /api/v1/items/{id}); not in the list" },
  },
  additionalProperties: false,
};
const textInput = { type: ["object", "null"], properties: { text: { type: "string" }, link: { type: ["string", "null"] }, alt: { type: ["string", "null"] } }, additionalProperties: false };
const status = { type: "string", enum: ["draft", "in_translation", "awaiting_approval", "scheduled", "published", "partly_failed", "failed", "held", "archived"] };
const date = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "A Brussels date" };
const time = { type: "string", pattern: "^\\d{2}:\\d{2}$", description: "A Brussels wall-clock time" };

const count = { type: ["integer", "null"], minimum: 0, description: "null: the network does not offer this figure (not 0)" };
const num = { type: ["number", "null"] };
const monthPattern = { type: "string", pattern: "^\\d{4}-\\d{2}$" };
const totals = {
  type: "object",
  required: ["posts", "read", "engagement", "impressions", "views", "clicks", "engagementPerPost", "clicksPerPost"],
  properties: { posts: { type: "integer", minimum: 0 }, read: { type: "integer", minimum: 0, description: "Posts with at least one reading" }, engagement: count, impressions: count, views: count, clicks: { ...count, description: "null: no post here has a tracked link" }, engagementPerPost: num, clicksPerPost: num },
};
const reading = {
  type: "object",
  required: ["moment", "readAt", "likes", "reposts", "replies", "quotes", "impressions", "views", "engagement"],
  additionalProperties: false,
  properties: { moment: { type: "string", enum: ["1h", "24h", "7d", "28d", "asked"] }, readAt: { type: "string", format: "date-time" }, likes: count, reposts: count, replies: count, quotes: count, impressions: count, views: count, engagement: { ...count, description: "likes + reposts + replies + quotes, over the figures offered" } },
};
const reportLanguage = { type: "string", enum: ["fr", "nl", "both"] };
const uuidString = { type: "string", format: "uuid" };

const schemas = {
  Reading: reading,
  PublicationMetrics: {
    type: "object",
    required: ["publicationId", "itemId", "channelId", "network", "state", "publishedAt", "url", "readings"],
    additionalProperties: false,
    properties: { publicationId: uuidString, itemId: uuidString, channelId: uuidString, network: { type: "string" }, state: { type: "string" }, publishedAt: { type: ["string", "null"], format: "date-time" }, url: { type: ["string", "null"] }, readings: { type: "array", items: reading } },
  },
  MonthMetrics: {
    type: "object",
    required: ["month", "publications"],
    additionalProperties: false,
    properties: {
      month: monthPattern,
      publications: {
        type: "array",
        items: {
          type: "object",
          required: ["id", "itemId", "channelId", "language", "publishedAt", "url", "questions", "clicks", "readings"],
          additionalProperties: false,
          properties: { id: uuidString, itemId: uuidString, channelId: uuidString, language: reportLanguage, publishedAt: { type: "string", format: "date-time" }, url: { type: ["string", "null"] }, questions: { type: "array", items: { type: "string" } }, clicks: count, readings: { type: "array", items: reading } },
        },
      },
    },
  },
  AnalyticsReport: {
    type: "object",
    required: ["month", "totals", "languages", "languageGap", "channels", "topPosts", "questions", "times", "contactCenter"],
    additionalProperties: false,
    properties: {
      month: monthPattern,
      totals,
      languages: { type: "object", required: ["fr", "nl", "both"], properties: { fr: totals, nl: totals, both: totals } },
      languageGap: { type: "object", required: ["ratio", "tooFew"], properties: { ratio: { ...num, description: "Dutch engagement per post as a share of French" }, tooFew: { type: "boolean", description: "Fewer than 10 posts in one language" } } },
      channels: { type: "array", items: { allOf: [totals, { type: "object", required: ["id", "name", "network", "language", "goalPosts", "goalEngagement"], properties: { id: uuidString, name: { type: "string" }, network: { type: "string" }, language: { type: "string" }, goalPosts: count, goalEngagement: count } }] } },
      topPosts: { type: "array", items: { type: "object", required: ["publicationId", "itemId", "channelId", "publishedAt", "language", "engagement", "clicks", "url"], properties: { publicationId: uuidString, itemId: uuidString, channelId: uuidString, publishedAt: { type: "string", format: "date-time" }, language: reportLanguage, engagement: count, clicks: count, url: { type: ["string", "null"] } } } },
      questions: { type: "array", items: { allOf: [totals, { type: "object", required: ["id", "slug"], properties: { id: uuidString, slug: { type: ["string", "null"] } } }] } },
      times: { type: "array", items: { type: "object", required: ["weekday", "hour", "posts", "meanEngagement", "few"], properties: { weekday: { type: "integer", minimum: 1, maximum: 7 }, hour: { type: "integer", minimum: 0, maximum: 23 }, posts: { type: "integer" }, meanEngagement: num, few: { type: "boolean" } } } },
      contactCenter: {
        type: "array",
        items: {
          type: "object",
          required: ["questionId", "slug", "months", "estimate"],
          properties: {
            questionId: uuidString,
            slug: { type: "string" },
            months: { type: "array", items: { type: "object", required: ["month", "volume", "covered"], properties: { month: { type: "string" }, volume: count, covered: { type: "boolean" } } } },
            estimate: {
              type: "object",
              required: ["questionId", "verdict"],
              description: "Difference-in-differences against the questions not covered in the same months (docs/analytics.md)",
              properties: { questionId: { type: "string" }, verdict: { type: "string", enum: ["fell", "rose", "no_clear_change", "cannot_tell"] }, reason: { type: "string", enum: ["no_coverage", "short_history", "no_months_after", "few_controls", "zero_volume"] }, effect: { type: "number" }, low: { type: "number" }, high: { type: "number" }, controls: { type: "integer" } },
            },
          },
        },
      },
    },
  },
  Item: {
    type: "object",
    required: ["id", "version", "status", "localDate", "localTime", "occurrence", "scheduledAt", "sourceLanguage", "texts", "channelIds", "tags", "updatedAt"],
    additionalProperties: false,
    properties: {
      id: { type: "string", format: "uuid" },
      version: { type: "integer", minimum: 1, description: "Send it back with a change: a change made meanwhile answers 409." },
      status,
      localDate: date,
      localTime: time,
      occurrence: { type: "string", enum: ["first", "second"], description: "Which 02:30 on the night the clocks go back" },
      scheduledAt: { type: "string", format: "date-time" },
      sourceLanguage: { type: "string", enum: ["fr", "nl"] },
      texts: { type: "object", required: ["fr", "nl"], additionalProperties: false, properties: { fr: text, nl: text } },
      channelIds: { type: "array", items: { type: "string", format: "uuid" } },
      tags: { type: "array", items: { type: "string" }, description: "Slugs of recurring questions" },
      updatedAt: { type: "string", format: "date-time" },
    },
  },
  ItemInput: {
    type: "object",
    required: ["localDate", "localTime", "texts", "channelIds"],
    additionalProperties: false,
    properties: {
      version: { type: "integer", minimum: 1, description: "Required to change an item (PATCH)" },
      localDate: date,
      localTime: time,
      occurrence: { type: "string", enum: ["first", "second"] },
      sourceLanguage: { type: "string", enum: ["fr", "nl"], default: "fr" },
      texts: { type: "object", additionalProperties: false, properties: { fr: textInput, nl: textInput } },
      channelIds: { type: "array", items: { type: "string", format: "uuid" }, minItems: 1 },
      tags: { type: "array", items: { type: "string" } },
      history: { type: "boolean", default: false, description: "Creation only: a past post kept as history (published before Cadence, never sent; it teaches the tag suggestions). The date must be in the past." },
    },
  },
  MediaFile: {
    type: "object",
    required: ["hash", "kind", "format", "width", "height", "durationMs", "bytes", "name", "url", "thumbUrl"],
    additionalProperties: false,
    properties: {
      hash: { type: "string", pattern: "^[0-9a-f]{64}$", description: "SHA-256 of the stored file (metadata removed): the same file uploaded twice has one hash" },
      kind: { type: "string", enum: ["image", "video"] },
      format: { type: "string", enum: ["jpeg", "png", "gif", "webp", "mp4", "mov"] },
      width: { type: ["integer", "null"] },
      height: { type: ["integer", "null"] },
      durationMs: { type: ["integer", "null"], description: "A video's length; null for an image" },
      bytes: { type: "integer" },
      name: { type: "string" },
      url: { type: "string" },
      thumbUrl: { type: "string" },
    },
  },
  VisualsInput: {
    type: "object",
    required: ["version", "visuals"],
    additionalProperties: false,
    properties: {
      version: { type: "integer", minimum: 1, description: "The item's version" },
      visuals: {
        type: "array",
        maxItems: 4,
        items: {
          type: "object",
          required: ["hash", "alt"],
          additionalProperties: false,
          properties: { hash: { type: "string", pattern: "^[0-9a-f]{64}$" }, alt: { type: "string", maxLength: 1000 }, sameInBothLanguages: { type: "boolean", default: false }, containsText: { type: "boolean", default: false } },
        },
      },
    },
  },
  VisualsSaved: { type: "object", required: ["version"], additionalProperties: false, properties: { version: { type: "integer", minimum: 1 } } },
  ItemList: {
    type: "object",
    required: ["items", "truncated"],
    additionalProperties: false,
    properties: { items: { type: "array", items: { $ref: "#/components/schemas/Item" } }, truncated: { type: "boolean", description: "More than 2,000 items: narrow the range" } },
  },
  Move: {
    type: "object",
    required: ["localDate", "localTime", "version"],
    additionalProperties: false,
    properties: { localDate: date, localTime: time, version: { type: "integer", minimum: 1 }, occurrence: { type: "string", enum: ["first", "second"] } },
  },
  PublicationList: {
    type: "object",
    required: ["publications"],
    additionalProperties: false,
    properties: {
      publications: {
        type: "array",
        items: {
          type: "object",
          required: ["id", "channelId", "channelName", "network", "languages", "state", "dueAt", "sentAt", "publishedAt", "remoteUrl", "attempts", "errorCode", "error"],
          additionalProperties: false,
          properties: {
            id: { type: "string", format: "uuid" },
            channelId: { type: "string", format: "uuid" },
            channelName: { type: "string" },
            network: { type: "string" },
            languages: { type: "string", enum: ["fr", "nl", "de", "fr+nl"] },
            state: { type: "string", enum: ["scheduled", "sending", "published", "failed", "unconfirmed", "cancelled"] },
            dueAt: { type: "string", format: "date-time" },
            sentAt: { type: ["string", "null"], format: "date-time" },
            publishedAt: { type: ["string", "null"], format: "date-time" },
            remoteUrl: { type: ["string", "null"] },
            attempts: { type: "integer" },
            errorCode: { type: ["string", "null"] },
            error: { type: ["string", "null"] },
          },
        },
      },
    },
  },
  QuestionList: {
    type: "object",
    required: ["questions"],
    additionalProperties: false,
    properties: {
      questions: {
        type: "array",
        items: {
          type: "object",
          required: ["slug", "fr", "nl", "keywords_fr", "keywords_nl", "volume", "url_fr", "url_nl", "answer_fr", "answer_nl", "active"],
          additionalProperties: false,
          properties: {
            slug: { type: "string" },
            fr: { type: "string" },
            nl: { type: "string" },
            keywords_fr: { type: "array", items: { type: "string" } },
            keywords_nl: { type: "array", items: { type: "string" } },
            volume: { type: "integer" },
            url_fr: { type: ["string", "null"] },
            url_nl: { type: ["string", "null"] },
            answer_fr: { type: ["string", "null"], maxLength: 400, description: "The reference answer the inbox offers in French." },
            answer_nl: { type: ["string", "null"], maxLength: 400, description: "The reference answer the inbox offers in Dutch." },
            active: { type: "boolean" },
          },
        },
      },
    },
  },
  SuggestInput: { type: "object", required: ["text", "lang"], properties: { text: { type: "string", maxLength: 20000 }, lang: { type: "string", enum: ["fr", "nl"] } } },
  Suggestions: {
    type: "object",
    required: ["lang", "confident", "suggestions"],
    additionalProperties: false,
    properties: {
      lang: { type: "string", enum: ["fr", "nl"] },
      confident: { type: "boolean" },
      suggestions: {
        type: "array",
        maxItems: 3,
        items: {
          type: "object",
          required: ["id", "slug", "score", "matched"],
          additionalProperties: false,
          properties: { id: { type: "string" }, slug: { type: "string" }, score: { type: "number" }, matched: { type: "array", items: { type: "string" } } },
        },
      },
    },
  },
  Problem: {
    type: "object",
    required: ["type", "title", "status"],
    properties: {
      type: { type: "string" },
      title: { type: "string", description: "In the caller's language" },
      status: { type: "integer" },
      errors: { type: "array", items: { type: "object", required: ["field", "detail"], properties: { field: { type: "string" }, detail: { type: "string" } } } },
    },
  },
  ConversationList: {
    type: "object",
    required: ["conversations", "more"],
    properties: {
      conversations: {
        type: "array",
        items: {
          type: "object",
          required: ["id", "channelName", "network", "citizen", "language", "state", "assignee", "dueAt", "lastMessageAt", "lastText", "messages"],
          properties: {
            id: { type: "string", format: "uuid" },
            channelName: { type: "string" },
            network: { type: "string" },
            citizen: { type: "string", description: "The citizen's handle on the network" },
            language: { type: "string", enum: ["fr", "nl", "other"] },
            state: { type: "string", enum: ["new", "assigned", "waiting", "answered", "closed"] },
            assignee: { type: ["string", "null"] },
            dueAt: { type: "string", format: "date-time", description: "One business day after the message arrived" },
            lastMessageAt: { type: "string", format: "date-time" },
            lastText: { type: ["string", "null"] },
            messages: { type: "integer" },
          },
        },
      },
      more: { type: "boolean", description: "Another page follows (page=N+1)" },
    },
  },
  ReplyInput: {
    type: "object",
    required: ["text"],
    properties: {
      text: { type: "string", minLength: 1, maxLength: 500 },
      seenReply: { type: "string", description: "The id of the newest answer the caller saw (\"\" for none): if another answer was sent since, 409 and nothing is sent. Without it, only an answer on its way refuses this one." },
    },
    additionalProperties: false,
  },
  ReplySent: {
    type: "object",
    required: ["state", "conversationId", "inReplyTo"],
    properties: { state: { type: "string", enum: ["sent", "awaiting_approval"], description: "awaiting_approval: the text needs a second person's approval (the team's sensitive words or channels); it goes out once approved in Cadence" }, conversationId: { type: "string", format: "uuid" }, inReplyTo: { type: ["string", "null"], description: "The network's id of the message answered" } },
  },
};

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } });
const ok = (schema: string, description = "OK") => ({ description, content: { "application/json": { schema: { $ref: `#/components/schemas/${schema}` } } } });
const common = { "401": problem("No token, or an unknown or revoked one"), "403": problem("The token's user may not do this, or the token can only read"), "429": problem("Too many requests (see Retry-After)") };
const withBody = { "400": problem("The body is not valid JSON"), "413": problem("The body is too large"), "415": problem("The body is not application/json") };
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Cadence API",
      version: "1",
      description:
        "The bilingual content plan: items (FR/NL pairs), their publications, the recurring citizen questions, and what the posts achieved (metrics, the month's report). Authenticate with a personal token (`Authorization: Bearer cad_…`) created at /tokens; a read token can only read. The same permissions and validation as the web app apply. Errors are RFC 9457 problem details in the user's language. Rate limited per token (RateLimit-* headers).",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } }, schemas },
    paths: {
      "/api/v1/items": {
        get: {
          summary: "Items of a range of Brussels dates (at most 93 days)",
          parameters: [
            { name: "from", in: "query", required: true, schema: date },
            { name: "to", in: "query", required: true, schema: date },
            { name: "channel", in: "query", schema: { type: "array", items: { type: "string", format: "uuid" } }, style: "form", explode: true },
            { name: "status", in: "query", schema: { type: "array", items: status }, style: "form", explode: true },
            { name: "tag", in: "query", schema: { type: "array", items: { type: "string" } }, style: "form", explode: true },
          ],
          responses: { "200": ok("ItemList"), "422": problem("A missing or invalid parameter"), ...common },
        },
        post: {
          summary: "Create an item (a draft)",
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/ItemInput" } } } },
          responses: { "201": ok("Item", "Created"), "422": problem("Invalid: one entry per field"), ...withBody, ...common },
        },
      },
      "/api/v1/items/{id}": {
        get: { summary: "One item", parameters: [idParam], responses: { "200": ok("Item"), "404": problem("No such item"), ...common } },
        patch: {
          summary: "Change an item (send the version you read)",
          parameters: [idParam],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/ItemInput" } } } },
          responses: { "200": ok("Item"), "404": problem("No such item"), "409": problem("Changed by someone else since that version"), "422": problem("Invalid"), ...withBody, ...common },
        },
      },
      "/api/v1/items/{id}/move": {
        post: {
          summary: "Move an item to another Brussels date and time",
          parameters: [idParam],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Move" } } } },
          responses: { "200": ok("Item"), "404": problem("No such item"), "409": problem("Changed since that version"), "422": problem("Refused: in the past, in the DST gap (with a proposal), or published"), ...withBody, ...common },
        },
      },
      "/api/v1/media": {
        post: {
          summary: "Upload an image or a video into the media library: the file is the request's body, its name in X-File-Name (percent-encoded); checked by its content, stripped of its metadata",
          parameters: [{ name: "X-File-Name", in: "header", schema: { type: "string" } }],
          requestBody: { required: true, content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
          responses: {
            "201": ok("MediaFile", "Stored"),
            "200": ok("MediaFile", "Already in the library"),
            "413": problem("Too large: bytes or pixels"),
            "415": problem("Not an image (JPEG, PNG, WebP, GIF) or an H.264 video (MP4, MOV), or damaged or truncated"),
            ...common,
          },
        },
      },
      "/api/v1/items/{id}/visuals/{language}": {
        put: {
          summary: "Set one language version's visuals, in order, with their alt texts",
          parameters: [idParam, { name: "language", in: "path", required: true, schema: { type: "string", enum: ["fr", "nl"] } }],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/VisualsInput" } } } },
          responses: { "200": ok("VisualsSaved"), "404": problem("No such item or language"), "409": problem("Changed since that version"), "422": problem("Refused: unknown file, too many, a video with others"), ...withBody, ...common },
        },
      },
      "/api/v1/items/{id}/publications": { get: { summary: "An item's publications per channel", parameters: [idParam], responses: { "200": ok("PublicationList"), "404": problem("No such item"), ...common } } },
      "/api/v1/questions": { get: { summary: "The recurring citizen questions", responses: { "200": ok("QuestionList"), ...common } } },
      "/api/v1/conversations": {
        get: {
          summary: "A queue of the inbox: citizens' conversations waiting for an answer by deadline, or those done",
          parameters: [
            { name: "queue", in: "query", schema: { type: "string", enum: ["fr", "nl", "other", "mine", "done"], default: "fr" } },
            { name: "page", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
          ],
          responses: { "200": ok("ConversationList"), "422": problem("Unknown queue"), ...common },
        },
      },
      "/api/v1/conversations/{id}/replies": {
        post: {
          summary: "Answers the citizen's latest message on the network, exactly once",
          parameters: [idParam],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/ReplyInput" } } } },
          responses: {
            "201": ok("ReplySent", "Sent"),
            "202": ok("ReplySent", "Waiting for a second approval"),
            "404": problem("No such conversation"),
            "409": problem("Another answer is on its way or waiting for approval, was sent since `seenReply`, or the conversation is closed"),
            "422": problem("Empty or too long"),
            "502": problem("The network refused the answer, or did not say whether it arrived"),
            ...withBody,
            ...common,
          },
        },
      },
      "/api/v1/reports/analytics/{month}": {
        get: { summary: "The month's results: per channel and language, French vs Dutch, top posts, per question, days and hours, the contact center", parameters: [{ name: "month", in: "path", required: true, schema: monthPattern }], responses: { "200": ok("AnalyticsReport"), "404": problem("Not a month"), ...common } },
      },
      "/api/v1/metrics": {
        get: { summary: "Every metrics reading of the posts published in a Brussels month", parameters: [{ name: "month", in: "query", required: true, schema: monthPattern }], responses: { "200": ok("MonthMetrics"), "422": problem("A missing or invalid month"), ...common } },
      },
      "/api/v1/publications/{id}/metrics": {
        get: { summary: "One publication's readings (1 h, 24 h, 7 d, 28 d and on request), oldest first", parameters: [idParam], responses: { "200": ok("PublicationMetrics"), "404": problem("No such publication"), ...common } },
        post: {
          summary: "Read the published post's figures now (stored as an 'asked' reading)",
          parameters: [idParam],
          responses: { "201": ok("Reading", "Read"), "404": problem("Not published, or no such publication"), "409": problem("The network no longer shows the post, or gives no figures"), "503": problem("The network refused for now (see Retry-After)"), ...common },
        },
      },
      "/api/v1/tags/suggest": {
        post: {
          summary: "The questions a text answers",
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/SuggestInput" } } } },
          responses: { "200": ok("Suggestions"), "422": problem("Invalid text or language"), ...withBody, ...common },
        },
      },
    },
  };
}

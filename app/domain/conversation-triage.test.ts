import { describe, expect, it } from "vitest";
import { triagePatch } from "./conversation-triage";

const now = new Date("2026-07-08T10:00:00Z");

describe("triage", () => {
  it.each([
    ["new", null, { intent: "assign", assignee: "me" }, { assignee_id: "u1", state: "assigned" }],
    ["assigned", "u1", { intent: "assign", assignee: "nobody" }, { assignee_id: null, state: "new" }],
    ["waiting", null, { intent: "assign", assignee: "me" }, { assignee_id: "u1", state: "waiting" }],
    ["closed", null, { intent: "assign", assignee: "me" }, null],
    ["new", null, { intent: "wait" }, { state: "waiting" }],
    ["answered", null, { intent: "close", reason: "thanks" }, { state: "closed", close_reason: "thanks", closed_at: now }],
    ["closed", null, { intent: "close", reason: "spam" }, null],
    ["closed", "u2", { intent: "reopen" }, { state: "assigned", close_reason: null, closed_at: null }],
    ["closed", null, { intent: "reopen" }, { state: "new", close_reason: null, closed_at: null }],
    ["new", null, { intent: "reopen" }, null],
    ["closed", null, { intent: "language", language: "nl" }, { language: "nl" }],
  ] as const)("%s (assignee %s), %j → %j", (state, assignee, action, patch) => {
    expect(triagePatch({ state, assignee_id: assignee }, action, "u1", now)).toEqual(patch);
  });
});

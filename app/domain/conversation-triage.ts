/**
 * What a triage action does to a conversation, or null when its state does not allow it: assign
 * (an open conversation: to me or to nobody; new ⇄ assigned follow, other states stay), wait for
 * an internal answer, close with a reason, reopen (a closed one: assigned if someone has it, else
 * new), or move to another language's queue (always).
 */
export type ConversationState = "new" | "assigned" | "waiting" | "answered" | "closed";
export type CloseReason = "spam" | "thanks" | "off_topic" | "handled_elsewhere";

export type TriageAction =
  | { intent: "assign"; assignee: "me" | "nobody" }
  | { intent: "wait" }
  | { intent: "close"; reason: CloseReason }
  | { intent: "reopen" }
  | { intent: "language"; language: "fr" | "nl" | "other" };

export interface TriagePatch {
  state?: ConversationState;
  assignee_id?: string | null;
  close_reason?: CloseReason | null;
  closed_at?: Date | null;
  language?: "fr" | "nl" | "other";
}

export function triagePatch(conversation: { state: ConversationState; assignee_id: string | null }, action: TriageAction, userId: string, now: Date): TriagePatch | null {
  const open = conversation.state !== "closed";
  switch (action.intent) {
    case "language":
      return { language: action.language };
    case "reopen":
      return open ? null : { state: conversation.assignee_id ? "assigned" : "new", close_reason: null, closed_at: null };
    case "wait":
      return open ? { state: "waiting" } : null;
    case "close":
      return open ? { state: "closed", close_reason: action.reason, closed_at: now } : null;
    case "assign": {
      if (!open) return null;
      const unassignedOrAssigned = conversation.state === "new" || conversation.state === "assigned";
      return { assignee_id: action.assignee === "me" ? userId : null, state: unassignedOrAssigned ? (action.assignee === "me" ? "assigned" : "new") : conversation.state };
    }
  }
}

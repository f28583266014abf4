/** Who may do what. The services enforce this; the UI only uses it to hide what would be refused. */

export type Role = "admin" | "editor" | "translator" | "approver" | "viewer" | "responder";
export const ROLES: readonly Role[] = ["admin", "editor", "translator", "approver", "viewer", "responder"];

export type Action =
  | "plan.read"
  | "item.write"
  | "item.move"
  | "dayNote.write"
  | "variant.translate"
  | "item.approve"
  | "publishing.hold"
  | "publication.manage"
  | "users.manage"
  | "channels.manage"
  | "settings.manage"
  | "questions.manage"
  | "audit.read"
  | "inbox.read"
  | "inbox.answer"
  | "inbox.approveReply"
  | "inbox.personalData";

const matrix: Record<Action, readonly Role[]> = {
  "plan.read": ["admin", "editor", "translator", "approver", "viewer", "responder"],
  "item.write": ["editor"],
  "item.move": ["editor"],
  "dayNote.write": ["editor"],
  "variant.translate": ["translator", "editor"],
  "item.approve": ["approver"],
  "publishing.hold": ["admin", "approver"],
  "publication.manage": ["admin", "approver", "editor"],
  "users.manage": ["admin"],
  "channels.manage": ["admin"],
  "settings.manage": ["admin"],
  "questions.manage": ["admin"],
  "audit.read": ["admin", "approver"],
  // Conversation managers (responders) answer citizens; editors and approvers read what is said.
  "inbox.read": ["admin", "editor", "approver", "responder"],
  "inbox.answer": ["responder"],
  // A sensitive answer is approved by a second person: another conversation manager or an approver.
  "inbox.approveReply": ["responder", "approver"],
  // Access and erasure requests (GDPR articles 15 and 17) go through an administrator.
  "inbox.personalData": ["admin"],
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(roles: readonly Role[], action: Action): boolean {
  return matrix[action].some((role) => roles.includes(role));
}

export function rolesAllowed(action: Action): readonly Role[] {
  return matrix[action];
}

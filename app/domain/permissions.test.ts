import { describe, expect, it } from "vitest";
import { can, ROLES, type Action } from "./permissions";

describe("permissions", () => {
  it("only admins manage users, channels and settings", () => {
    for (const action of ["users.manage", "channels.manage", "settings.manage"] as Action[]) {
      expect(ROLES.filter((r) => can([r], action))).toEqual(["admin"]);
    }
  });

  it("every role reads the plan; a viewer does nothing else", () => {
    expect(ROLES.every((r) => can([r], "plan.read"))).toBe(true);
    const others: Action[] = ["item.write", "item.move", "dayNote.write", "variant.translate", "item.approve", "publishing.hold"];
    expect(others.filter((a) => can(["viewer"], a))).toEqual([]);
  });

  it("a translator translates but does not approve; an approver approves and holds", () => {
    expect(can(["translator"], "variant.translate")).toBe(true);
    expect(can(["translator"], "item.approve")).toBe(false);
    expect(can(["approver"], "item.approve")).toBe(true);
    expect(can(["approver"], "publishing.hold")).toBe(true);
  });

  it("conversation managers answer citizens; editors, approvers and admins read the inbox; a viewer does not", () => {
    expect(ROLES.filter((r) => can([r], "inbox.answer"))).toEqual(["responder"]);
    expect(ROLES.filter((r) => can([r], "inbox.read"))).toEqual(["admin", "editor", "approver", "responder"]);
    expect(can(["responder"], "item.write")).toBe(false);
  });

  it("several roles add up, no roles allow nothing", () => {
    expect(can(["translator", "approver"], "item.approve")).toBe(true);
    expect(can([], "plan.read")).toBe(false);
  });
});

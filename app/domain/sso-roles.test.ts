import { describe, expect, it } from "vitest";
import { claimAt, parseRoleMap, rolesFromClaim } from "./sso-roles";

describe("roles from the identity provider's claim", () => {
  const map = { "cadence-editors": "editor", "cadence-admins": "admin", "CN=Approvers,OU=Com": "approver" } as const;
  it.each([
    ["a list of role names", ["editor", "viewer"], null, ["editor", "viewer"]],
    ["one string, spaces", "approver translator", null, ["translator", "approver"]],
    ["one string, commas", "admin,editor", null, ["admin", "editor"]],
    ["unknown names are ignored", ["editor", "superuser", "Admin"], null, ["editor"]],
    ["repeats count once", ["editor", "editor"], null, ["editor"]],
    ["mapped groups", ["cadence-editors", "everyone", "cadence-admins"], map, ["admin", "editor"]],
    ["a map replaces the names", ["editor"], map, []],
    ["values with spaces in a list", ["CN=Approvers,OU=Com"], map, ["approver"]],
    ["prototype names give nothing", ["__proto__", "constructor", "toString"], map, []],
    ["no claim", undefined, null, []],
    ["a number", 42, null, []],
    ["an object", { editor: true }, null, []],
    ["non-strings in the list", [1, null, "viewer", { a: 1 }], null, ["viewer"]],
  ])("%s", (_name, value, roleMap, expected) => {
    expect(rolesFromClaim(value, roleMap)).toEqual(expected);
  });

  it("finds the claim by name, by a namespaced name, or by a dotted path", () => {
    const claims = { roles: ["editor"], "https://fin.belgium.be/roles": ["admin"], realm_access: { roles: ["approver"] }, flat: "x" };
    expect(claimAt(claims, "roles")).toEqual(["editor"]);
    expect(claimAt(claims, "https://fin.belgium.be/roles")).toEqual(["admin"]);
    expect(claimAt(claims, "realm_access.roles")).toEqual(["approver"]);
    expect(claimAt(claims, "flat.deeper")).toBeUndefined();
    expect(claimAt(claims, "missing.path")).toBeUndefined();
  });

  it("reads OIDC_ROLE_MAP's pairs, and refuses a pair that is not value=role or names no role", () => {
    expect(parseRoleMap(" cadence-editors = editor ,Cadence Admins=admin")).toEqual({ "cadence-editors": "editor", "Cadence Admins": "admin" });
    for (const bad of ["", "nonsense", "a=editor,", "a=owner", "a=editor=admin", "=editor"]) expect(parseRoleMap(bad), bad).toBeNull();
  });
});

import type { MessageKey } from "../i18n";
import { isRole, ROLES, type Role } from "./permissions";

/**
 * Why a single sign-on did not open a session: the service answers with one of these, and the
 * sign-in page shows it (anything else in its address is ignored).
 */
export const SSO_REFUSALS = ["sso.off", "sso.unreachable", "sso.expired", "sso.denied", "sso.failed", "sso.noEmail", "sso.conflict", "sso.inactive", "sso.noRole", "sso.unknown"] as const satisfies readonly MessageKey[];
export type SsoRefusal = (typeof SSO_REFUSALS)[number];

export function isSsoRefusal(value: string | null): value is SsoRefusal {
  return (SSO_REFUSALS as readonly (string | null)[]).includes(value);
}

/**
 * The value at a claim path: a plain name ("roles", "groups"), or a dotted path into nested
 * claims ("realm_access.roles", as some providers nest them). A claim whose name itself contains
 * dots (a URL-like namespaced claim) is found by its whole name first.
 */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split(".")) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * OIDC_ROLE_MAP's text, `cadence-editors=editor,cadence-admins=admin`: the provider's values and the
 * Cadence role each gives. Null when a pair is not `value=role` or names no Cadence role.
 */
export function parseRoleMap(text: string): Record<string, Role> | null {
  const map: Record<string, Role> = {};
  for (const pair of text.split(",")) {
    const [value, role, ...rest] = pair.split("=").map((side) => side.trim());
    if (!value || !role || rest.length > 0 || !isRole(role)) return null;
    map[value] = role;
  }
  return map;
}

/**
 * The Cadence roles a person's claim gives: the claim is a list of values or one string of values
 * separated by spaces or commas; each value is looked up in the map (or, without a map, must be a
 * role's own name). Values that give no role are ignored; the result is in the matrix's order,
 * without repeats.
 */
export function rolesFromClaim(value: unknown, map: Readonly<Record<string, Role>> | null): Role[] {
  const values = Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? value.split(/[\s,]+/) : [];
  const found = new Set<Role>();
  for (const raw of values) {
    const v = raw.trim();
    if (!v) continue;
    const role = map ? (Object.prototype.hasOwnProperty.call(map, v) ? map[v] : undefined) : isRole(v) ? v : undefined;
    if (role) found.add(role);
  }
  return ROLES.filter((r) => found.has(r));
}

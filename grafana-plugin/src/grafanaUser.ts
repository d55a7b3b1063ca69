/**
 * The signed-in Grafana user as the pages need it: enough to show an action only to those the
 * plugin proxy will let through. In Grafana it comes from bootData (`config.bootData.user`), in
 * the harness from its GET /api/user.
 */
export interface GrafanaUser {
  /** The org role: None, Viewer, Editor or Admin ('' before sign-in). */
  orgRole: string;
  isGrafanaAdmin: boolean;
}

export type RequiredRole = 'Viewer' | 'Editor' | 'Admin';

/** RoleType precedence, pkg/models/roletype/roletype.go (Grafana 11–13): a role includes those below it. */
const PRECEDENCE: Record<string, number> = { None: 10, Viewer: 20, Editor: 30, Admin: 40 };

/**
 * What the plugin proxy checks a route's `reqRole` with: SignedInUser.HasRole
 * (pkg/services/user/identity.go, Grafana 11–13) — a server admin has every role, otherwise the
 * org role must include the required one. (Grafana's frontend `contextSrv.hasRole` compares the
 * org role for equality instead, which would hide an Editor action from Admins and an Admin
 * action from server admins.)
 */
export function hasRole(user: GrafanaUser | undefined, required: RequiredRole): boolean {
  if (!user) return false;
  if (user.isGrafanaAdmin) return true;
  return (PRECEDENCE[user.orgRole] ?? 0) >= PRECEDENCE[required]!;
}

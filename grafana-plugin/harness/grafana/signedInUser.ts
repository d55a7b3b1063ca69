/**
 * Grafana's signed-in user as the plugin proxy sees it (pkg/services/user/identity.go,
 * `SignedInUser`, Grafana 11–13) and its role check (`HasRole`: a server admin has every role,
 * otherwise the org role must include the required one).
 */
export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';

export interface SignedInUser {
  UserID: number;
  UserUID: string;
  OrgID: number;
  OrgName: string;
  OrgRole: OrgRole;
  Login: string;
  Name: string;
  Email: string;
  EmailVerified: boolean;
  AuthID: string;
  AuthenticatedBy: string;
  AllowedKubernetesNamespace: string;
  ApiKeyID: number;
  IsServiceAccount: boolean;
  IsGrafanaAdmin: boolean;
  IsAnonymous: boolean;
  IsDisabled: boolean;
  HelpFlags1: number;
  /** time.Time, marshalled as RFC 3339 with nanoseconds. */
  LastSeenAt: string;
  Teams: number[] | null;
  FallbackType: string;
}

const RANK: Record<OrgRole, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

/** identity.RoleType.IsValid: a reqRole spelled otherwise ("viewer", "Owner") is not checked at all. */
export function isValidRole(role: string | undefined): role is OrgRole {
  return role !== undefined && Object.hasOwn(RANK, role);
}

/** SignedInUser.HasRole. */
export function hasRole(user: SignedInUser, required: OrgRole): boolean {
  return user.IsGrafanaAdmin || RANK[user.OrgRole] >= RANK[required];
}

/** A user of org 1 with this login and role. */
export function signedInUser(id: number, login: string, role: OrgRole, overrides: Partial<SignedInUser> = {}): SignedInUser {
  return {
    UserID: id,
    UserUID: `u-${login}`,
    OrgID: 1,
    OrgName: 'Main Org.',
    OrgRole: role,
    Login: login,
    Name: login,
    Email: `${login}@example.com`,
    EmailVerified: false,
    AuthID: '',
    AuthenticatedBy: 'password',
    AllowedKubernetesNamespace: 'default',
    ApiKeyID: 0,
    IsServiceAccount: false,
    IsGrafanaAdmin: false,
    IsAnonymous: false,
    IsDisabled: false,
    HelpFlags1: 0,
    LastSeenAt: '2026-01-01T00:00:00Z',
    Teams: null,
    FallbackType: '',
    ...overrides,
  };
}

/**
 * json.Marshal(ctx.SignedInUser): the fields in declaration order; Go escapes <, > and & (and
 * U+2028/2029) and leaves other non-ASCII characters as UTF-8.
 */
export function marshalUser(user: SignedInUser): string {
  return JSON.stringify(user)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

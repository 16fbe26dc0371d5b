// What each role may do. Routes name the access they need (`config: { access }`); the
// guard (auth/guard.ts) compares it with the caller's role.
import type { Role } from '../store/types.js';

/**
 * - `public`: anyone (health, the web app's files, signing in, redacted share links);
 * - `read`: lists, incidents, raw dumps, exports;
 * - `upload`: POST /api/incidents (machines and the CLI hold `ingest` tokens);
 * - `write`: edit status, tags, pins, annotate, mitigation notes, share links;
 * - `admin`: delete incidents, manage tokens.
 */
export type Access = 'public' | 'read' | 'upload' | 'write' | 'admin';

const GRANTS: Record<Role, ReadonlySet<Access>> = {
  read: new Set(['public', 'read']),
  ingest: new Set(['public', 'upload']),
  write: new Set(['public', 'read', 'upload', 'write']),
  admin: new Set(['public', 'read', 'upload', 'write', 'admin']),
};

export function roleAllows(role: Role, access: Access): boolean {
  return GRANTS[role].has(access);
}

/** Who is asking. `name` is what authorship and the audit list record (null: authentication off). */
export interface Principal {
  name: string | null;
  role: Role;
  /** How they proved it: a bearer token, the web session cookie, a trusted proxy's
   *  header, or nothing (authentication off: everyone may do everything). */
  via: 'token' | 'session' | 'proxy' | 'open';
}

/** The principal of every request while authentication is off. */
export const OPEN_PRINCIPAL: Principal = Object.freeze({ name: null, role: 'admin', via: 'open' }) as Principal;

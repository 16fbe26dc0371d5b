// Who did it, may they, and the incident's record of it (issue 21).
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import type { AuditAction, IncidentStore } from '../store/types.js';

/** The name a change is recorded under: the token's or proxy user's; null with authentication off. */
export function actorOf(request: FastifyRequest): string | null {
  const p = request.principal;
  return p && p.via !== 'open' ? p.name : null;
}

/** Authentication on: the signed-in name, whatever the client typed; off: what it typed. */
export function authorFor(request: FastifyRequest, typed: string | null): string | null {
  return request.principal && request.principal.via !== 'open' ? request.principal.name : typed;
}

/**
 * A note (annotation, mitigation) is changed or deleted by its author or an admin. With
 * authentication off everyone may, as before: names are typed in, not proven. A note
 * without an author (written with authentication off) is the admins' once it is on.
 */
export function assertMayChange(request: FastifyRequest, author: string | null, what: string): void {
  const p = request.principal;
  if (!p || p.via === 'open' || p.role === 'admin') return;
  if (author !== null && author === p.name) return;
  throw new HttpError(
    403,
    'not_author',
    `only its author (${author ?? 'nobody signed in'}) or an admin may change this ${what}`,
  );
}

export async function recordAudit(
  store: IncidentStore,
  request: FastifyRequest,
  incidentId: string,
  action: AuditAction,
  detail: Record<string, unknown>,
): Promise<void> {
  await store.addAudit(incidentId, { at: new Date().toISOString(), actor: actorOf(request), action, detail });
}

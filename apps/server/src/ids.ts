import { randomBytes } from 'node:crypto';

/** 16 random bytes (128 bits), base64url: unguessable and safe in a URL path. */
export function newIncidentId(): string {
  return randomBytes(16).toString('base64url');
}

export function isIncidentId(value: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(value);
}

export function newAnnotationId(): string {
  return randomBytes(12).toString('base64url');
}

export function isAnnotationId(value: string): boolean {
  return /^[A-Za-z0-9_-]{16}$/.test(value);
}

/** Where the web app shows an incident: this prefix and the id (ids need no escaping).
 * Also written into incidents.summary_json by migrations/0005. */
export const INCIDENT_URL_PREFIX = '/i/';
export const incidentUrl = (id: string) => `${INCIDENT_URL_PREFIX}${id}`;

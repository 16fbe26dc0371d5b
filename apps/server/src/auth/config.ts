// Authentication settings from the environment (server.ts), kept apart so tests can
// check the refusal to serve a network without a decision.
import { isIP } from 'node:net';
import { ROLES, type Role } from '../store/types.js';
import type { AuthOptions } from './guard.js';

/** Only this machine can reach an address of these: the one case where "no auth" is a safe default. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  if (h.startsWith('::ffff:')) return isLoopback(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * HANGSCOPE_AUTH: `on` checks tokens, `off` does not; unset means off on a loopback
 * address and is an error on any other (a team server must say which it wants).
 * HANGSCOPE_AUTH_PROXY_HEADER + HANGSCOPE_AUTH_PROXY_TRUSTED: believe that header from
 * those proxies (role HANGSCOPE_AUTH_PROXY_ROLE, default write; HANGSCOPE_AUTH_PROXY_ADMINS
 * are admins). HANGSCOPE_ORIGIN: the app's public origin(s), for the write check.
 */
export function authFromEnv(env: NodeJS.ProcessEnv, host: string): AuthOptions {
  const mode = (env.HANGSCOPE_AUTH ?? '').trim().toLowerCase();
  if (mode !== '' && mode !== 'on' && mode !== 'off')
    throw new Error(`HANGSCOPE_AUTH must be on or off, got ${env.HANGSCOPE_AUTH}`);
  if (mode === '' && !isLoopback(host)) {
    throw new Error(
      `refusing to listen on ${host} without authentication: set HANGSCOPE_AUTH=on (and create tokens with cli.js token create), ` +
        'or HANGSCOPE_AUTH=off to serve everyone who can reach it',
    );
  }
  const opts: AuthOptions = { enabled: mode === 'on' };
  const origins = list(env.HANGSCOPE_ORIGIN).map((o) => o.toLowerCase().replace(/\/$/, ''));
  if (origins.length) opts.origins = origins;
  const header = env.HANGSCOPE_AUTH_PROXY_HEADER?.trim();
  if (header) {
    const trusted = list(env.HANGSCOPE_AUTH_PROXY_TRUSTED);
    if (!trusted.length)
      throw new Error(
        'HANGSCOPE_AUTH_PROXY_HEADER needs HANGSCOPE_AUTH_PROXY_TRUSTED: the addresses of the proxies that set it',
      );
    const role = (env.HANGSCOPE_AUTH_PROXY_ROLE?.trim() || 'write') as Role;
    if (!ROLES.includes(role)) throw new Error(`HANGSCOPE_AUTH_PROXY_ROLE must be one of ${ROLES.join(', ')}`);
    opts.proxy = { header, trusted, role, admins: list(env.HANGSCOPE_AUTH_PROXY_ADMINS) };
  }
  return opts;
}

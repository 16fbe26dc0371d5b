// Who is asking, and may they: one onRequest hook in front of every route.
//
// 1. Writes from another origin are refused, authentication on or off (sameOriginWrite).
// 2. With authentication off, every request acts as OPEN_PRINCIPAL (admin, no name).
// 3. Otherwise the caller is a bearer token, a trusted proxy's user header, or the web
//    session cookie; the route's `config.access` must be granted by its role:
//    401 without valid credentials, 403 with too small a role.
import { BlockList, isIPv6 } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiToken, IncidentStore, Role } from '../store/types.js';
import { OPEN_PRINCIPAL, roleAllows, type Access, type Principal } from './roles.js';
import { secretSha256 } from './secrets.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs (auth/roles.ts). Unset: `read` for GET/HEAD under /api,
     *  `admin` for other methods under /api (fail closed), `public` elsewhere. */
    access?: Access;
  }
  interface FastifyRequest {
    /** Set by the guard before any handler runs; null on a public route nobody signed in to. */
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'hangscope_session';
export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 3600_000;

export interface ProxyAuthOptions {
  /** The header the proxy puts the authenticated user's name in (e.g. X-Forwarded-User). */
  header: string;
  /** Addresses or CIDRs of the proxies whose header is believed; from anyone else it is ignored. */
  trusted: string[];
  /** The role of a user the proxy vouches for (default write). */
  role?: Role;
  /** Users the proxy vouches for who are admins. */
  admins?: string[];
}

export interface AuthOptions {
  /** Enforce tokens and roles. false: everyone may do everything (the loopback default). */
  enabled: boolean;
  proxy?: ProxyAuthOptions;
  /** The app's own public origins (HANGSCOPE_ORIGIN), for browsers that send Origin but
   *  no Sec-Fetch-Site; unset: the request's own Host. */
  origins?: string[];
  /** Lifetime of a web session (default 7 days). */
  sessionTtlMs?: number;
}

const json = (reply: FastifyReply, status: number, error: string, message: string) =>
  reply.code(status).type('application/json; charset=utf-8').send({ error, message });

const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

/** The access a request needs: the route's, else the fail-closed default. */
export function accessOf(request: FastifyRequest): Access {
  const declared = request.is404 ? undefined : request.routeOptions.config.access;
  if (declared) return declared;
  const path = request.url.split('?', 1)[0];
  if (path === '/api' || path.startsWith('/api/')) return isWrite(request.method) ? 'admin' : 'read';
  return 'public';
}

/**
 * A write is refused unless it comes from the app's own origin. Browsers say where a
 * request comes from: `Sec-Fetch-Site` (same-origin, or none for what the user typed),
 * else `Origin`, which must name this server — a page on a sibling subdomain or on
 * another port of the same host is same-site but not same-origin, and is refused.
 * Scripts and curl send neither and are let through (they carry no ambient cookie;
 * with authentication on they need a token). Null: allowed; else why not.
 */
export function sameOriginWrite(request: FastifyRequest, origins: string[] | undefined): string | null {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== '') {
    return site === 'same-origin' || site === 'none' ? null : `Sec-Fetch-Site: ${site}`;
  }
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === '') return null;
  if (origins?.length) return origins.includes(origin.toLowerCase()) ? null : `Origin: ${origin}`;
  // The Host the browser connected to, scheme aside: TLS is often ended by a proxy in
  // front, so the server itself cannot tell http from https.
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return `Origin: ${origin}`;
  }
  return host !== '' && host === (request.headers.host ?? '').toLowerCase() ? null : `Origin: ${origin}`;
}

/** The value of one cookie of the request, if sent. */
export function cookieValue(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function blockList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    const [addr, bits] = entry.split('/');
    const type = isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

const fromToken = (t: ApiToken, via: Principal['via']): Principal => ({ name: t.name, role: t.role, via });

/** Register the guard on `app` (before its routes). */
export function registerGuard(app: FastifyInstance, store: IncidentStore, opts: AuthOptions): void {
  app.decorateRequest('principal', null);
  const proxies = opts.proxy ? blockList(opts.proxy.trusted) : null;
  const proxyHeader = opts.proxy?.header.toLowerCase();

  /** The proxy's user, when the request comes from a trusted proxy that names one. */
  const proxyUser = (request: FastifyRequest): string | null => {
    if (!proxies || !proxyHeader) return null;
    const remote = request.socket.remoteAddress ?? '';
    const addr = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
    if (!proxies.check(addr, isIPv6(addr) ? 'ipv6' : 'ipv4')) return null;
    const value = request.headers[proxyHeader];
    const user = typeof value === 'string' ? value.trim() : '';
    return user && user.length <= 200 ? user : null;
  };

  /** Who the request is from; null: no credentials; 'invalid': credentials that are not valid. */
  async function identify(request: FastifyRequest): Promise<Principal | null | 'invalid'> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const m = /^Bearer\s+(\S{1,200})\s*$/i.exec(authorization);
      const token = m ? await store.tokenBySecret(secretSha256(m[1])) : null;
      return token ? fromToken(token, 'token') : 'invalid';
    }
    const user = proxyUser(request);
    if (user !== null) {
      const role: Role = opts.proxy?.admins?.includes(user) ? 'admin' : (opts.proxy?.role ?? 'write');
      return { name: user, role, via: 'proxy' };
    }
    const session = cookieValue(request, SESSION_COOKIE);
    if (session) {
      const token = await store.sessionToken(secretSha256(session), new Date().toISOString());
      return token ? fromToken(token, 'session') : null;
    }
    return null;
  }

  app.addHook('onRequest', async (request, reply) => {
    if (isWrite(request.method)) {
      const refused = sameOriginWrite(request, opts.origins);
      if (refused) return json(reply, 403, 'cross_site_write', `writes from another origin are refused (${refused})`);
    }
    if (!opts.enabled) {
      request.principal = OPEN_PRINCIPAL;
      return;
    }
    const access = accessOf(request);
    const who = await identify(request);
    if (access === 'public') {
      request.principal = who === 'invalid' ? null : who;
      return;
    }
    if (who === null || who === 'invalid') {
      reply.header('www-authenticate', 'Bearer realm="hangscope"');
      return json(
        reply,
        401,
        'unauthorized',
        who === 'invalid'
          ? 'the token is not valid (revoked, or mistyped)'
          : 'sign in, or send Authorization: Bearer <token>',
      );
    }
    // A cookie or a proxy's header rides along with any request the browser makes: a
    // write on its strength must show where it comes from (checked above when shown).
    if (
      isWrite(request.method) &&
      who.via !== 'token' &&
      !request.headers['sec-fetch-site'] &&
      !request.headers.origin
    ) {
      return json(
        reply,
        403,
        'origin_required',
        'a write signed in by cookie or proxy must carry Origin or Sec-Fetch-Site',
      );
    }
    if (!roleAllows(who.role, access)) {
      return json(reply, 403, 'forbidden', `the ${who.role} role may not do this (needs ${access})`);
    }
    request.principal = who;
  });
}

// Signing in from the web app (a token once, then an HttpOnly session cookie), and the
// admin's token management over the API (the CLI does the same on the database).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import { DEFAULT_SESSION_TTL_MS, SESSION_COOKIE, cookieValue, type AuthOptions } from '../auth/guard.js';
import { newSessionSecret, newTokenId, newTokenSecret, secretSha256 } from '../auth/secrets.js';
import { writeLimit } from '../plugins/external.js';
import { ROLES, type ApiToken, type IncidentStore, type Role } from '../store/types.js';
import type { RouteDeps } from './deps.js';
import { errorSchema } from './schemas.js';

const sessionSchema = {
  type: 'object',
  properties: {
    auth: { type: 'boolean', description: 'whether the server checks tokens at all' },
    name: { type: ['string', 'null'] },
    role: { type: ['string', 'null'], enum: [...ROLES, null] },
  },
  required: ['auth', 'name', 'role'],
} as const;

const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', enum: ROLES },
    createdAt: { type: 'string' },
    revokedAt: { type: ['string', 'null'] },
  },
  required: ['id', 'name', 'role', 'createdAt', 'revokedAt'],
} as const;

export const TOKEN_NAME_MAX = 100;

/** Make a token: stored hashed, the secret returned once. Shared with the CLI. */
export async function createToken(
  store: IncidentStore,
  role: Role,
  name: string | undefined,
): Promise<{ token: ApiToken; secret: string }> {
  const id = newTokenId();
  const clean = name?.trim() || `${role}-${id.slice(4, 10)}`;
  if (clean.length > TOKEN_NAME_MAX)
    throw new HttpError(400, 'bad_request', `a token name has at most ${TOKEN_NAME_MAX} characters`);
  const token: ApiToken = { id, name: clean, role, createdAt: new Date().toISOString(), revokedAt: null };
  const secret = newTokenSecret();
  await store.createToken(token, secretSha256(secret));
  return { token, secret };
}

function setCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeS: number): void {
  // Strict: the browser sends it only on requests a page of this site makes (and the
  // guard refuses writes from other origins of the site). Secure when served over TLS.
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`,
  );
}

export const sessionRoutes: FastifyPluginAsync<{ deps: RouteDeps; auth: AuthOptions }> = async (
  app,
  { deps, auth },
) => {
  const { store } = deps;
  const ttlMs = auth.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;

  app.get(
    '/api/session',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Who is signed in (auth false: the server checks no tokens)',
        response: { 200: sessionSchema },
      },
    },
    async (request) => ({
      auth: auth.enabled,
      name: request.principal?.name ?? null,
      role: auth.enabled ? (request.principal?.role ?? null) : 'admin',
    }),
  );

  app.post<{ Body: { token: string } }>(
    '/api/session',
    {
      config: { access: 'public', ...writeLimit(deps) },
      schema: {
        summary: 'Sign the browser in with a token: sets an HttpOnly, SameSite=Strict session cookie',
        body: {
          type: 'object',
          properties: { token: { type: 'string', minLength: 1, maxLength: 200 } },
          required: ['token'],
          additionalProperties: false,
        },
        response: { 200: sessionSchema, 401: errorSchema },
      },
    },
    async (request, reply) => {
      if (!auth.enabled) return { auth: false, name: null, role: 'admin' };
      const token = await store.tokenBySecret(secretSha256(request.body.token.trim()));
      if (!token) throw new HttpError(401, 'unauthorized', 'the token is not valid (revoked, or mistyped)');
      const secret = newSessionSecret();
      const now = Date.now();
      await store.createSession(
        secretSha256(secret),
        token.id,
        new Date(now).toISOString(),
        new Date(now + ttlMs).toISOString(),
      );
      setCookie(request, reply, secret, Math.floor(ttlMs / 1000));
      return { auth: true, name: token.name, role: token.role };
    },
  );

  app.delete(
    '/api/session',
    {
      config: { access: 'public' },
      schema: { summary: 'Sign out: ends the web session', response: { 204: { type: 'null' } } },
    },
    async (request, reply) => {
      const session = cookieValue(request, SESSION_COOKIE);
      if (session) await store.deleteSession(secretSha256(session));
      setCookie(request, reply, '', 0);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/tokens',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'API tokens (never their secrets)',
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: tokenSchema } }, required: ['items'] },
        },
      },
    },
    async () => ({ items: await store.listTokens() }),
  );

  app.post<{ Body: { role: Role; name?: string } }>(
    '/api/tokens',
    {
      config: { access: 'admin', ...writeLimit(deps) },
      schema: {
        summary: 'Make a token; its secret is in the answer, once',
        body: {
          type: 'object',
          properties: { role: { type: 'string', enum: ROLES }, name: { type: 'string', maxLength: TOKEN_NAME_MAX } },
          required: ['role'],
          additionalProperties: false,
        },
        response: {
          201: {
            type: 'object',
            properties: { ...tokenSchema.properties, token: { type: 'string' } },
            required: [...tokenSchema.required, 'token'],
          },
          409: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { token, secret } = await createToken(store, request.body.role, request.body.name);
      return reply.code(201).send({ ...token, token: secret });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/tokens/:id',
    {
      config: { access: 'admin', ...writeLimit(deps) },
      schema: {
        summary: 'Revoke a token (by id or name); its web sessions end with it',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] },
        response: { 200: tokenSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const revoked = await store.revokeToken(request.params.id, new Date().toISOString());
      if (!revoked) throw new HttpError(404, 'not_found', 'no valid token with that id or name');
      return revoked;
    },
  );
};

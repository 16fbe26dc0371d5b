import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { HttpError, badRequest } from '../errors.js';
import { incidentUrl } from '../ids.js';
import { bodyEncoding, isRawDumpType, readRawDump } from '../ingest/body.js';
import { LIMITS, optionalText, parseTags } from '../ingest/metadata.js';
import { createdSchema, errorSchema } from './schemas.js';
import { writeLimit } from '../plugins/external.js';
import type { RouteDeps } from './deps.js';

interface UploadQuery {
  title?: string;
  host?: string;
  tags?: string;
}

interface UploadFields {
  bytes: Buffer | null;
  title?: string;
  host?: string;
  tags?: string;
}

const METADATA_FIELDS = new Set(['title', 'host', 'tags']);

/** multipart/form-data: the file field `dump`, optional text fields title, host, tags. */
async function readMultipart(request: FastifyRequest): Promise<UploadFields> {
  const fields: UploadFields = { bytes: null };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname === 'dump' && fields.bytes === null) {
          fields.bytes = await part.toBuffer();
        } else {
          part.file.resume(); // not ours: discard so the form can be read on
        }
      } else if (METADATA_FIELDS.has(part.fieldname) && typeof part.value === 'string') {
        fields[part.fieldname as 'title' | 'host' | 'tags'] = part.value;
      }
    }
  } catch (err) {
    // busboy refuses a malformed form (no boundary, ...) with a plain Error: a 400, not a 500.
    if (typeof (err as { statusCode?: unknown }).statusCode === 'number') throw err;
    throw badRequest(`malformed multipart/form-data: ${(err as Error).message}`);
  }
  if (fields.bytes === null) throw badRequest('multipart upload needs a file field named "dump"');
  return fields;
}

/**
 * POST /api/incidents. Lives in its own encapsulated plugin because it replaces the
 * body parsers: the dump must reach us as the exact bytes sent (Fastify's text/plain
 * parser would decode them), with our own size limit that also bounds gzip output.
 */
export const uploadRoutes: FastifyPluginAsync<{ deps: RouteDeps }> = async (app, { deps }) => {
  const limit = deps.maxUploadBytes;
  // The page checks a file against the limit before sending it (a 70 MB file used to
  // upload whole before being refused), and names the limit.
  app.get(
    '/api/limits',
    {
      schema: {
        summary: 'Upload limits, for the page to check a dump before sending it',
        response: { 200: { type: 'object', properties: { maxUploadBytes: { type: 'integer' } }, required: ['maxUploadBytes'] } },
      },
    },
    async () => ({ maxUploadBytes: limit }),
  );
  app.removeAllContentTypeParsers();
  await app.register(multipart, {
    throwFileSizeLimit: true,
    limits: { fileSize: limit, files: 1, fields: 10, fieldSize: 4096, parts: 20, headerPairs: 100 },
  });
  app.addContentTypeParser('*', (request, payload, done) => {
    if (!isRawDumpType(request.headers['content-type'])) {
      done(
        new HttpError(
          415,
          'unsupported_media_type',
          'send the dump as text/plain, application/octet-stream or multipart/form-data (file field "dump")',
        ),
        undefined,
      );
      return;
    }
    readRawDump(payload, request.headers, limit).then(
      (bytes) => done(null, bytes),
      (err: Error) => done(err, undefined),
    );
  });

  app.post<{ Querystring: UploadQuery }>(
    '/api/incidents',
    {
      config: writeLimit(deps),
      schema: {
        summary: 'Upload a hang dump',
        description:
          'Body: the dump as text/plain or application/octet-stream (optionally Content-Encoding: gzip), ' +
          'or multipart/form-data with file field `dump` and optional fields title, host, tags. ' +
          'Metadata can also be given in the query string.',
        querystring: {
          type: 'object',
          properties: {
            title: { type: 'string', maxLength: LIMITS.title },
            host: { type: 'string', maxLength: LIMITS.host },
            tags: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 200: createdSchema, 201: createdSchema, 400: errorSchema, 413: errorSchema, 415: errorSchema, 507: errorSchema },
      },
      // Before the body is read: a multipart form that claims to be gzip is refused.
      preValidation: async (request) => {
        if (request.isMultipart() && bodyEncoding(request.headers) !== 'identity') {
          throw new HttpError(415, 'unsupported_encoding', 'Content-Encoding is supported for raw text bodies only');
        }
      },
    },
    async (request, reply) => {
      const upload: UploadFields = request.isMultipart()
        ? await readMultipart(request)
        : { bytes: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0) };
      const title = optionalText(upload.title ?? request.query.title, 'title', LIMITS.title);
      const host = optionalText(upload.host ?? request.query.host, 'host', LIMITS.host);
      const tags = parseTags(upload.tags ?? request.query.tags);
      const result = await deps.ingest.ingest({ bytes: upload.bytes ?? Buffer.alloc(0), title, host, tags });
      request.log.info({ incident: result.id, bytes: upload.bytes?.length, duplicate: result.duplicate, ms: result.timings }, 'dump ingested');
      if (result.analysisError) request.log.warn({ incident: result.id, reason: result.analysisError }, 'analysis failed; dump stored without one');
      const body = { id: result.id, url: incidentUrl(result.id), ...(result.analysisError ? { analysisError: result.analysisError } : {}) };
      if (result.duplicate) return reply.code(200).send({ ...body, duplicate: true });
      return reply.code(201).header('location', `/api/incidents/${result.id}`).send(body);
    },
  );
};

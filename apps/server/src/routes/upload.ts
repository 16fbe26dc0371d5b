import multipart from '@fastify/multipart';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, badRequest, busy, notFound } from '../errors.js';
import { incidentUrl, isIncidentId } from '../ids.js';
import { BUSY_RETRY_AFTER_S, type Reservation } from '../ingest/budget.js';
import { bodyEncoding, isRawDumpType, readLimited, readRawDump, tooLarge, type ReadOptions } from '../ingest/body.js';
import { LIMITS, optionalText, parseTags } from '../ingest/metadata.js';
import { captureCreatedSchema, createdSchema, errorSchema } from './schemas.js';
import { writeLimit, clientKey } from '../plugins/external.js';
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
async function readMultipart(request: FastifyRequest, limit: number, read: ReadOptions): Promise<UploadFields> {
  const fields: UploadFields = { bytes: null };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname === 'dump' && fields.bytes === null) {
          fields.bytes = await readLimited(part.file, limit, read);
          // busboy stops a file at the size limit and marks it truncated.
          if (part.file.truncated) throw tooLarge(limit);
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
 * An upload's hold on the in-flight budget. The body is in memory from its first byte
 * until its incident is stored, so the reservation is given back when the response is
 * over *and* no ingest of it is running (a client that hangs up does not free the bytes
 * a running analysis still holds).
 */
interface UploadHold {
  reservation: Reservation;
  responseClosed: boolean;
  ingesting: boolean;
}
const holds = new WeakMap<FastifyRequest['raw'], UploadHold>();

/** The bytes an upload reserves before its body is read: what it announces, or a first
 *  slice when it announces nothing (a chunked body grows its reservation as it comes). */
const UNANNOUNCED_INITIAL_BYTES = 64 * 1024;

/**
 * Before refusing an upload whose body has not been read (413, 503), the body is read
 * and dropped for a moment: answering and closing with unread bytes makes the kernel
 * reset the connection, and a client still sending would never see the answer (nor its
 * Retry-After). Nothing is kept. A body that has not ended within LINGER_MS (a trickle)
 * is cut: the answer goes out with `Connection: close`. Clients that send
 * `Expect: 100-continue` (curl does for bodies over 1 MB) are refused before they send
 * a byte of it (see the checkContinue listener below).
 */
const LINGER_MS = 5000;
function drainBriefly(req: FastifyRequest['raw']): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      req.off('end', done);
      req.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, LINGER_MS);
    req.once('end', done);
    req.once('close', done);
    req.on('data', () => {});
    req.resume();
  });
}

/** POST /api/incidents/:id/captures: a dump too, refused the same way before its body. */
const CAPTURES_PATH = /^\/api\/incidents\/[^/]{1,100}\/captures$/;

const isRefusal = (err: unknown) => err instanceof HttpError && (err.statusCode === 413 || err.statusCode === 503);

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
      config: { access: 'public' },
      schema: {
        summary: 'Upload limits, for the page to check a dump before sending it',
        response: {
          200: { type: 'object', properties: { maxUploadBytes: { type: 'integer' } }, required: ['maxUploadBytes'] },
        },
      },
    },
    async () => ({ maxUploadBytes: limit }),
  );

  const readOptions = (request: FastifyRequest): ReadOptions => ({
    reservation: holds.get(request.raw)?.reservation,
    timeoutMs: deps.bodyTimeoutMs,
    retryAfterS: BUSY_RETRY_AFTER_S,
  });
  const queueFull = () => (deps.analysis.queued ?? 0) >= deps.maxQueuedAnalyses;
  const budgetFull = () =>
    busy('the server is receiving as many uploads as its memory budget allows; retry later', BUSY_RETRY_AFTER_S);
  const queueRefusal = () =>
    busy(`${deps.maxQueuedAnalyses} analyses are waiting already; retry later`, BUSY_RETRY_AFTER_S);
  const declaredLength = (headers: IncomingHttpHeaders): number | null => {
    const n = Number(headers['content-length']);
    return headers['content-length'] !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : null;
  };
  const initialReservation = (headers: IncomingHttpHeaders) =>
    declaredLength(headers) ?? Math.min(limit, UNANNOUNCED_INITIAL_BYTES);
  /** The client's stored bytes of the day would pass its quota: 429 until midnight UTC. */
  const quotaRefusal = async (client: string, bytes: number): Promise<HttpError | null> => {
    const wait = (await deps.quota?.waitFor(client, bytes)) ?? 0;
    if (wait === 0) return null;
    return new HttpError(
      429,
      'quota_exceeded',
      `this client has stored its ${deps.quota!.bytesPerDay} bytes for today (UTC); retry after midnight UTC`,
      {
        'retry-after': String(wait),
      },
    );
  };
  /** Why an upload with these headers is refused before its body is read, if it is. */
  const admissionRefusal = (headers: IncomingHttpHeaders): HttpError | null => {
    const declared = declaredLength(headers);
    if (declared !== null && declared > limit) return tooLarge(limit);
    if (queueFull()) return queueRefusal();
    return null;
  };

  // `Expect: 100-continue`: the client waits for a go-ahead before sending the body, so
  // a refusal costs it nothing. Node sends the go-ahead itself unless told otherwise.
  const onCheckContinue = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (req.method === 'POST' && (path === '/api/incidents' || CAPTURES_PATH.test(path))) {
      const refusal =
        admissionRefusal(req.headers) ??
        (deps.inflight.inUse + initialReservation(req.headers) > deps.inflight.capacity ? budgetFull() : null);
      if (refusal) {
        res.writeHead(refusal.statusCode, {
          'content-type': 'application/json; charset=utf-8',
          'x-content-type-options': 'nosniff',
          connection: 'close',
          ...refusal.headers,
        });
        res.end(JSON.stringify({ error: refusal.error, message: refusal.message }));
        return;
      }
    }
    res.writeContinue();
    app.server.emit('request', req, res);
  };
  app.server.on('checkContinue', onCheckContinue);
  app.addHook('onClose', async () => {
    app.server.off('checkContinue', onCheckContinue);
  });
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
    readRawDump(payload, request.headers, limit, readOptions(request)).then(
      (bytes) => done(null, bytes),
      async (err: Error) => {
        if (isRefusal(err)) await drainBriefly(request.raw);
        done(err, undefined);
      },
    );
  });

  // Before a byte of the body is read: too big by its own account (413), no room in the
  // memory budget or the analysis queue (503 with Retry-After). Every early answer
  // closes the connection, so an unread body is never drained.
  const admit = async (request: FastifyRequest, reply: FastifyReply) => {
    const refusal =
      admissionRefusal(request.headers) ??
      (await quotaRefusal(clientKey(request), declaredLength(request.headers) ?? 0));
    const reservation = refusal ? null : deps.inflight.reserve(initialReservation(request.headers));
    if (refusal || !reservation) {
      await drainBriefly(request.raw);
      throw refusal ?? budgetFull();
    }
    const hold: UploadHold = { reservation, responseClosed: false, ingesting: false };
    holds.set(request.raw, hold);
    reply.raw.once('close', () => {
      hold.responseClosed = true;
      if (!hold.ingesting) reservation.release();
    });
  };
  // Before the body is read: a multipart form that claims to be gzip is refused.
  const noGzipForms = async (request: FastifyRequest) => {
    if (request.isMultipart() && bodyEncoding(request.headers) !== 'identity') {
      throw new HttpError(415, 'unsupported_encoding', 'Content-Encoding is supported for raw text bodies only');
    }
  };

  app.post<{ Querystring: UploadQuery }>(
    '/api/incidents',
    {
      config: { ...writeLimit(deps), access: 'upload' },
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
        response: {
          200: createdSchema,
          201: createdSchema,
          400: errorSchema,
          408: errorSchema,
          413: errorSchema,
          415: errorSchema,
          429: errorSchema,
          503: errorSchema,
          507: errorSchema,
        },
      },
      // Before a byte of the body is read: too big by its own account (413), no room in the
      // memory budget or the analysis queue (503 with Retry-After). Every early answer
      // closes the connection, so an unread body is never drained.
      onRequest: admit,
      // Before the body is read: a multipart form that claims to be gzip is refused.
      preValidation: noGzipForms,
    },
    async (request, reply) => {
      const hold = holds.get(request.raw);
      const upload: UploadFields = request.isMultipart()
        ? await readMultipart(request, limit, readOptions(request))
        : { bytes: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0) };
      const title = optionalText(upload.title ?? request.query.title, 'title', LIMITS.title);
      const host = optionalText(upload.host ?? request.query.host, 'host', LIMITS.host);
      const tags = parseTags(upload.tags ?? request.query.tags);
      // The client hung up before its upload was taken in: nobody waits for the answer,
      // and its bytes are no longer counted; it was not acknowledged, so nothing is stored.
      if (hold?.responseClosed) throw new HttpError(400, 'aborted', 'the client went away');
      // The queue may have filled while the body arrived.
      if (queueFull()) throw queueRefusal();
      if (hold) hold.ingesting = true;
      let result;
      try {
        result = await deps.ingest.ingest({ bytes: upload.bytes ?? Buffer.alloc(0), title, host, tags });
      } finally {
        if (hold) {
          hold.ingesting = false;
          if (hold.responseClosed) hold.reservation.release();
        }
      }
      request.log.info(
        { incident: result.id, bytes: upload.bytes?.length, duplicate: result.duplicate, ms: result.timings },
        'dump ingested',
      );
      if (result.analysisError)
        request.log.warn(
          { incident: result.id, reason: result.analysisError },
          'analysis failed; dump stored without one',
        );
      const body = {
        id: result.id,
        url: incidentUrl(result.id),
        ...(result.analysisError ? { analysisError: result.analysisError } : {}),
      };
      if (result.duplicate) return reply.code(200).send({ ...body, duplicate: true });
      await deps.quota?.add(clientKey(request), upload.bytes?.length ?? 0);
      return reply.code(201).header('location', `/api/incidents/${result.id}`).send(body);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/incidents/:id/captures',
    {
      // The collector posts with the token it uploads with: a capture is an upload.
      config: { ...writeLimit(deps), access: 'upload' },
      schema: {
        summary: 'Add a capture to an incident; its analysis becomes that of all its captures',
        description:
          'Body: the dump as text/plain or application/octet-stream (optionally Content-Encoding: gzip), ' +
          "or multipart/form-data with file field `dump`. 201 with the capture's number; 200 when the " +
          'incident has these bytes already.',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        response: {
          200: captureCreatedSchema,
          201: captureCreatedSchema,
          400: errorSchema,
          404: errorSchema,
          408: errorSchema,
          409: errorSchema,
          413: errorSchema,
          415: errorSchema,
          429: errorSchema,
          503: errorSchema,
          507: errorSchema,
        },
      },
      onRequest: admit,
      preValidation: noGzipForms,
    },
    async (request, reply) => {
      const { id } = request.params;
      const hold = holds.get(request.raw);
      const upload: UploadFields = request.isMultipart()
        ? await readMultipart(request, limit, readOptions(request))
        : { bytes: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0) };
      if (hold?.responseClosed) throw new HttpError(400, 'aborted', 'the client went away');
      if (!isIncidentId(id)) throw notFound();
      if (queueFull()) throw queueRefusal();
      if (hold) hold.ingesting = true;
      let result;
      try {
        result = await deps.captures.add(id, upload.bytes ?? Buffer.alloc(0));
      } finally {
        if (hold) {
          hold.ingesting = false;
          if (hold.responseClosed) hold.reservation.release();
        }
      }
      if (!result) throw notFound();
      request.log.info(
        { incident: id, capture: result.seq, bytes: upload.bytes?.length, duplicate: result.duplicate },
        'capture added',
      );
      const body = {
        id,
        seq: result.seq,
        url: incidentUrl(id),
        ...(result.analysisError ? { analysisError: result.analysisError } : {}),
      };
      if (result.duplicate) return reply.code(200).send({ ...body, duplicate: true });
      await deps.quota?.add(clientKey(request), upload.bytes?.length ?? 0);
      return reply.code(201).header('location', `/api/incidents/${id}/captures/${result.seq}/raw`).send(body);
    },
  );
};

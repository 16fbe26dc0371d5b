import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { busy, HttpError } from '../errors.js';
import type { Reservation } from './budget.js';

export const tooLarge = (limit: number) =>
  new HttpError(413, 'payload_too_large', `the dump is larger than the limit of ${limit} bytes`);

/** Content types whose body is the dump itself. No Content-Type at all counts too. */
export function isRawDumpType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return true;
  const media = contentType.split(';', 1)[0].trim().toLowerCase();
  return media.startsWith('text/') || media === 'application/octet-stream';
}

/** 'identity' or 'gzip'; anything else is refused before reading the body. */
export function bodyEncoding(headers: IncomingHttpHeaders): 'identity' | 'gzip' {
  const value = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  throw new HttpError(415, 'unsupported_encoding', `Content-Encoding ${value} is not supported; use gzip or none`);
}

export interface ReadOptions {
  /** The upload's share of the in-flight budget: grown as bytes arrive past it (503 when
   *  the budget has no room). None: only `limit` bounds the body. */
  reservation?: Reservation;
  /** Milliseconds the whole body may take to arrive (408 after). */
  timeoutMs?: number;
  /** Seconds to tell a client refused for want of room (Retry-After). */
  retryAfterS?: number;
}

/**
 * Read a stream to a Buffer, failing with 413 as soon as more than `limit` bytes
 * arrived, without buffering them. On failure the rest of the request is not read:
 * the answer closes the connection (upload.ts).
 *
 * The chunks are kept as they arrive and joined at the end: nothing is allocated from
 * what the client announces (a Content-Length of 64 MiB followed by a byte a second
 * would otherwise hold 64 MiB per socket). Joining briefly holds the body twice, one
 * upload at a time (it is synchronous).
 */
export function readLimited(stream: Readable, limit: number, opts: ReadOptions = {}): Promise<Buffer> {
  const { reservation, timeoutMs } = opts;
  // A stream that failed before we got to it (busboy destroys a multipart file part when
  // the form ends early, maybe before its consumer is handed the part) emits nothing more.
  if (stream.errored) return Promise.reject(stream.errored);
  if (stream.destroyed) return Promise.reject(new HttpError(400, 'aborted', 'the upload was interrupted'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const timer =
      timeoutMs !== undefined && timeoutMs > 0
        ? setTimeout(
            () =>
              settle(
                new HttpError(
                  408,
                  'body_timeout',
                  `the upload did not arrive within ${Math.round(timeoutMs / 1000)} s; send it faster or in a smaller piece`,
                ),
              ),
            timeoutMs,
          )
        : null;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      stream.off('data', onData);
      if (err) {
        chunks.length = 0;
        stream.pause();
        reject(err);
      } else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit) return settle(tooLarge(limit));
      if (
        reservation &&
        size + chunk.length > reservation.bytes &&
        !reservation.grow(size + chunk.length - reservation.bytes)
      ) {
        return settle(
          busy(
            'the server is receiving as many uploads as its memory budget allows; retry later',
            opts.retryAfterS ?? 5,
          ),
        );
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    stream.on('data', onData);
    stream.once('end', () => settle(null));
    stream.once('error', (err) => settle(err));
    stream.once('close', () => settle(new HttpError(400, 'aborted', 'the upload was interrupted')));
  });
}

/**
 * The dump bytes of a raw (non-multipart) upload. The limit applies to what arrives
 * and, for gzip, to the decompressed size as well, so a small gzip bomb is a 413.
 */
export async function readRawDump(
  stream: Readable,
  headers: IncomingHttpHeaders,
  limit: number,
  opts: ReadOptions = {},
): Promise<Buffer> {
  const encoding = bodyEncoding(headers);
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (encoding === 'identity') return readLimited(stream, limit, opts);

  // The decompressed bytes are what is held: they grow the reservation (the compressed
  // ones pass through zlib's small buffers).
  const gunzip = createGunzip();
  const decompressed = readLimited(gunzip, limit, opts);
  stream.on('error', (err) => gunzip.destroy(err));
  stream.pipe(gunzip);
  try {
    return await decompressed;
  } catch (err) {
    if (err instanceof HttpError) {
      stream.unpipe(gunzip);
      gunzip.destroy();
      throw err;
    }
    throw new HttpError(400, 'bad_gzip', `the gzip body could not be decompressed: ${(err as Error).message}`);
  }
}

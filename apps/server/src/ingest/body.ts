import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { HttpError } from '../errors.js';

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

/**
 * Read a stream to a Buffer, failing with 413 as soon as more than `limit` bytes
 * arrived, without buffering them. On failure the rest of the request is not read:
 * Fastify answers and closes the connection.
 *
 * With the body's size known in advance (Content-Length), the bytes are copied into one
 * buffer of that size as they arrive and each chunk is let go at once; otherwise the
 * chunks are kept and concatenated at the end, which briefly holds the body twice
 * (100 MB for a 50 MB dump).
 */
export function readLimited(stream: Readable, limit: number, expected?: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let into: Buffer | null = expected !== undefined && Number.isSafeInteger(expected) && expected > 0 && expected <= limit ? Buffer.allocUnsafe(expected) : null;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      if (err) reject(err);
      else if (into) resolve(size === into.length ? into : into.subarray(0, size));
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit) {
        chunks.length = 0;
        into = null;
        stream.pause();
        settle(tooLarge(limit));
        return;
      }
      if (into && size + chunk.length > into.length) {
        // More than announced: keep what was copied as the first chunk and go on in chunks.
        chunks.push(into.subarray(0, size));
        into = null;
      }
      if (into) chunk.copy(into, size);
      else chunks.push(chunk);
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
export async function readRawDump(stream: Readable, headers: IncomingHttpHeaders, limit: number): Promise<Buffer> {
  const encoding = bodyEncoding(headers);
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (encoding === 'identity') return readLimited(stream, limit, Number.isFinite(declared) ? declared : undefined);

  const gunzip = createGunzip();
  const decompressed = readLimited(gunzip, limit);
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

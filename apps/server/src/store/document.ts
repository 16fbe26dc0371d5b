// The analysis document as stored: raw DEFLATE of its JSON text, ended with a sync
// flush instead of a final block. Such a stream can be spliced between other deflate
// blocks, so a gzip response (`{"id":…,"analysis":` + stored bytes + `}`) is built by
// compressing only the small head and tail; the megabytes of analysis are sent as
// stored. The gzip trailer's CRC-32 is combined from the stored CRC of the JSON.
import { promisify } from 'node:util';
import { constants, crc32, createDeflateRaw, deflateRawSync, inflateRaw, inflateRawSync } from 'node:zlib';

/** Encoding names in incident_analysis.encoding. */
export type DocumentEncoding = 'identity' | 'deflate-raw-sync';

/**
 * incident_analysis.form: the full contract document, or the analyzer's compact form
 * (compactAnalysis: each distinct stack once), expanded when read (compact-json.ts).
 */
export type DocumentForm = 'full' | 'compact';

export interface StoredDocument {
  encoding: 'deflate-raw-sync';
  /** Absent: 'full'. */
  form?: DocumentForm;
  /** Raw deflate blocks, not final, byte-aligned (ends with a sync flush). */
  data: Buffer;
  /** CRC-32 of the JSON's UTF-8 bytes. */
  crc32: number;
  /** Byte length of the JSON's UTF-8 text. */
  length: number;
}

/**
 * Level 1: JSON of repeated frames compresses ~10× at level 1 already, and a 90 MB
 * document must not spend seconds here (it runs in the analysis worker).
 */
const LEVEL = 1;

export function compressDocument(json: string | Buffer, form: DocumentForm = 'full'): StoredDocument {
  const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
  return {
    encoding: 'deflate-raw-sync',
    form,
    data: deflateRawSync(bytes, { level: LEVEL, finishFlush: constants.Z_SYNC_FLUSH }),
    crc32: crc32(bytes),
    length: bytes.length,
  };
}

/**
 * The JSON text of `value`, exactly as JSON.stringify writes it, in pieces: objects and
 * arrays down to `depth` levels are opened up (an analysis: the document, then its
 * task, lock and graph lists), anything deeper is one JSON.stringify call.
 */
export function* jsonPieces(value: unknown, depth: number): Generator<string> {
  const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';
  if (
    depth <= 0 ||
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    yield JSON.stringify(value);
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      if (skipped(value[i])) yield 'null';
      else yield* jsonPieces(value[i], depth - 1);
    }
    yield ']';
    return;
  }
  yield '{';
  let first = true;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (skipped(v)) continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* jsonPieces(v, depth - 1);
  }
  yield '}';
}

const PIECE = 1024 * 1024;

/**
 * compressDocument(JSON.stringify(value)) without the whole JSON text at once, and with
 * serialising and compressing overlapped: each ~1 MB of JSON goes to zlib on the thread
 * pool while the next is written. Same bytes, same CRC and length.
 */
export function compressDocumentStreaming(value: unknown, form: DocumentForm = 'full'): Promise<StoredDocument> {
  return compressJsonPieces(jsonPieces(value, 2), form);
}

/** compressDocument(pieces joined), serialising and compressing overlapped (see above). */
export async function compressJsonPieces(
  pieces: Iterable<string>,
  form: DocumentForm = 'full',
): Promise<StoredDocument> {
  const deflate = createDeflateRaw({ level: LEVEL, finishFlush: constants.Z_SYNC_FLUSH, chunkSize: PIECE });
  const out: Buffer[] = [];
  deflate.on('data', (b: Buffer) => out.push(b));
  const ended = new Promise<void>((resolve, reject) => {
    deflate.once('end', resolve);
    deflate.once('error', reject);
  });
  let crc = 0;
  let length = 0;
  let pending = '';
  const flushPiece = async () => {
    const bytes = Buffer.from(pending, 'utf8');
    pending = '';
    crc = crc32(bytes, crc);
    length += bytes.length;
    deflate.write(bytes);
    // Let zlib's completions run so it starts on this piece while we write the next.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  for (const piece of pieces) {
    pending += piece;
    if (pending.length >= PIECE) await flushPiece();
  }
  if (pending.length > 0 || length === 0) await flushPiece();
  deflate.end();
  await ended;
  return { encoding: 'deflate-raw-sync', form, data: Buffer.concat(out), crc32: crc, length };
}

const inflateRawAsync = promisify(inflateRaw);
const SYNC = { finishFlush: constants.Z_SYNC_FLUSH };

/** The JSON bytes of a stored document (on the thread pool). */
export function inflateDocument(data: Buffer): Promise<Buffer> {
  return inflateRawAsync(data, SYNC);
}

export function inflateDocumentSync(data: Buffer): Buffer {
  return inflateRawSync(data, SYNC);
}

// ---- CRC-32 combination (zlib 1.2.12's crc32_combine: polynomial arithmetic mod p(x)) ----------

const POLY = 0xedb88320; // CRC-32, reflected

/** a(x)·b(x) mod p(x), both reflected 32-bit polynomials. */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) mod p(x). */
const X2N = new Uint32Array(32);
{
  let p = 0x40000000; // x^1
  X2N[0] = p;
  for (let k = 1; k < 32; k++) X2N[k] = p = multModP(p, p);
}

/** x^(n·2^k) mod p(x). */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k & 31], p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/**
 * CRC-32 of A‖B from crc(A), crc(B) and B's length: O(log length) 32-bit multiplications
 * (about a microsecond; the GF(2) matrix method took ~0.1 ms, on every gzip response).
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  return (multModP(x2nModP(lengthB, 3), crcA >>> 0) ^ crcB) >>> 0;
}

// ---- gzip framing --------------------------------------------------------------------------

// RFC 1952 member header: magic, CM=deflate, no flags, mtime 0, no extra flags, OS unknown.
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/**
 * `bytes` as DEFLATE stored blocks (RFC 1951 §3.2.4), starting on a byte boundary: one
 * header byte (BFINAL, BTYPE=00), LEN and its complement, the bytes. The head and tail
 * of a response are a few hundred bytes; storing them costs no zlib stream (creating
 * one took ~40 µs per call, per response).
 */
export function storedBlocks(bytes: Buffer, final: boolean): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  do {
    const len = Math.min(0xffff, bytes.length - at);
    const last = at + len === bytes.length;
    const header = Buffer.allocUnsafe(5);
    header[0] = final && last ? 1 : 0;
    header.writeUInt16LE(len, 1);
    header.writeUInt16LE(~len & 0xffff, 3);
    out.push(header, bytes.subarray(at, at + len));
    at += len;
  } while (at < bytes.length);
  return out;
}

/**
 * One gzip member whose content is head ‖ document JSON ‖ tail. The stored document
 * ends on a byte boundary (sync flush), so head and tail go around it as stored blocks.
 */
export function gzipAround(head: Buffer, doc: StoredDocument, tail: Buffer): Buffer[] {
  const crc = crc32(tail, crc32Combine(crc32(head), doc.crc32, doc.length));
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc, 0);
  trailer.writeUInt32LE((head.length + doc.length + tail.length) % 0x1_0000_0000, 4);
  return [GZIP_HEADER, ...storedBlocks(head, false), doc.data, ...storedBlocks(tail, true), trailer];
}

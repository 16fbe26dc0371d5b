// The full analysis document's JSON from the compact form's JSON, by splicing bytes.
//
// A compact document is `{…,"compact":1,"stacks":[S0,S1,…],"tasks":[{…,"stack":k},…]}`.
// Its full form (expandAnalysis) is the same text without the "compact" and "stacks"
// members and with each task's `"stack":k` replaced by `"frames":Sk`. For the 50 MB
// sysrq-t dump that is 27 MB of compact JSON becoming 91 MB: parsing it, expanding the
// objects and stringifying again costs ~1.6 s; finding the members with a byte scanner
// and sending the pieces costs a few tens of milliseconds plus the copy.
//
// The input is JSON that JSON.stringify wrote (no whitespace between tokens), which is
// what the server stores; anything else is refused with an error, never half-expanded.

import { expandAnalysis, type AnalysisDocument, type CompactAnalysis } from '@hangscope/analyzer';
import type { StoredAnalysis } from './types.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const FRAMES_KEY = Buffer.from('"frames":');
const EMPTY_FRAMES = Buffer.from('"frames":[]');

class CompactJsonError extends Error {
  override name = 'CompactJsonError';
}

const fail = (at: number, what: string): never => {
  throw new CompactJsonError(`compact analysis JSON: ${what} at byte ${at}`);
};

/** Index just past the string starting at `i` (which holds its opening quote). */
function skipString(b: Buffer, i: number): number {
  for (let q = b.indexOf(QUOTE, i + 1); q !== -1; q = b.indexOf(QUOTE, q + 1)) {
    // The quote is escaped when an odd number of backslashes precede it.
    let n = 0;
    while (b[q - 1 - n] === BACKSLASH) n++;
    if (n % 2 === 0) return q + 1;
  }
  return fail(i, 'unterminated string');
}

/** Index just past the value starting at `i`. */
function skipValue(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) return skipString(b, i);
  if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) {
    // number, true, false, null: up to the next delimiter
    let j = i;
    while (j < b.length && b[j] !== COMMA && b[j] !== CLOSE_OBJECT && b[j] !== CLOSE_ARRAY) j++;
    if (j === i) fail(i, 'missing value');
    return j;
  }
  let depth = 0;
  let j = i;
  while (j < b.length) {
    const d = b[j];
    if (d === QUOTE) {
      j = skipString(b, j);
      continue;
    }
    if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
    else if (d === CLOSE_OBJECT || d === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return fail(i, 'unterminated object or array');
}

/** The key of a member (its quotes at start and keyEnd - 1) is `name`, plain ASCII. */
function keyIs(b: Buffer, start: number, keyEnd: number, name: string): boolean {
  if (keyEnd - start !== name.length + 2) return false;
  for (let k = 0; k < name.length; k++) if (b[start + 1 + k] !== name.charCodeAt(k)) return false;
  return true;
}

/**
 * Walk the object starting at `i`: `value(start, keyEnd)` is called at each member's
 * value (which starts at keyEnd + 1) and returns the offset just past it. Returns the
 * offset just past the object.
 */
function walkObject(b: Buffer, i: number, value: (start: number, keyEnd: number) => number): number {
  if (b[i] !== OPEN_OBJECT) fail(i, 'expected an object');
  let j = i + 1;
  if (b[j] === CLOSE_OBJECT) return j + 1;
  for (;;) {
    if (b[j] !== QUOTE) fail(j, 'expected a key');
    const keyEnd = skipString(b, j);
    if (b[keyEnd] !== COLON) fail(keyEnd, 'expected ":"');
    const end = value(j, keyEnd);
    if (b[end] === COMMA) j = end + 1;
    else if (b[end] === CLOSE_OBJECT) return end + 1;
    else fail(end, 'expected "," or "}"');
  }
}

/** Walk the array starting at `i`: `element(start)` returns the offset just past it. */
function walkArray(b: Buffer, i: number, element: (start: number) => number): number {
  if (b[i] !== OPEN_ARRAY) fail(i, 'expected an array');
  let j = i + 1;
  if (b[j] === CLOSE_ARRAY) return j + 1;
  for (;;) {
    const end = element(j);
    if (b[end] === COMMA) j = end + 1;
    else if (b[end] === CLOSE_ARRAY) return end + 1;
    else fail(end, 'expected "," or "]"');
  }
}

const OPEN = Buffer.from('{');
const CLOSE = Buffer.from('}');
const SEPARATOR = Buffer.from(',');

/**
 * The full document's JSON as pieces (views into `json`, and one `"frames":[…]` buffer
 * per distinct stack shared by the tasks that use it), in order, and their total
 * length. Pieces concatenated equal JSON.stringify(expandAnalysis(JSON.parse(json)))
 * when, as compactAnalysis writes it, `stack` is each task's last member; otherwise the
 * same document with `frames` where `stack` was. One pass over the bytes.
 */
export function expandCompactJson(json: Buffer): { pieces: Buffer[]; length: number } {
  // Stack references are resolved at the end: "stacks" need not come before "tasks".
  const out: (Buffer | number)[] = [OPEN];
  const stacks: Buffer[] = [];
  let kept = 0;
  const end = walkObject(json, 0, (start, keyEnd) => {
    const valueStart = keyEnd + 1;
    if (keyIs(json, start, keyEnd, 'compact')) return skipValue(json, valueStart);
    if (keyIs(json, start, keyEnd, 'stacks')) {
      return walkArray(json, valueStart, (s) => {
        const e = skipValue(json, s);
        stacks.push(Buffer.concat([FRAMES_KEY, json.subarray(s, e)]));
        return e;
      });
    }
    if (kept++ > 0) out.push(SEPARATOR);
    if (!keyIs(json, start, keyEnd, 'tasks') || json[valueStart] !== OPEN_ARRAY) {
      const e = skipValue(json, valueStart);
      out.push(json.subarray(start, e));
      return e;
    }
    // The tasks: copied in runs up to each task's "stack" member, which becomes frames.
    let from = start;
    const tasksEnd = walkArray(json, valueStart, (s) => {
      if (json[s] !== OPEN_OBJECT) return skipValue(json, s);
      return walkObject(json, s, (ks, ke) => {
        const e = skipValue(json, ke + 1);
        if (keyIs(json, ks, ke, 'stack')) {
          out.push(json.subarray(from, ks));
          const k = Number(json.toString('latin1', ke + 1, e));
          out.push(Number.isInteger(k) && k >= 0 ? k : -1);
          from = e;
        }
        return e;
      });
    });
    out.push(json.subarray(from, tasksEnd));
    return tasksEnd;
  });
  if (end !== json.length) fail(end, 'trailing bytes');
  out.push(CLOSE);
  const pieces: Buffer[] = [];
  let length = 0;
  for (const p of out) {
    const piece = typeof p === 'number' ? (stacks[p] ?? EMPTY_FRAMES) : p;
    if (piece.length === 0) continue;
    pieces.push(piece);
    length += piece.length;
  }
  return { pieces, length };
}

/** Pieces joined into chunks of about `size` bytes, for writing to a socket or zlib. */
export function* chunked(pieces: Buffer[], size = 1024 * 1024): Generator<Buffer> {
  let batch: Buffer[] = [];
  let n = 0;
  for (const p of pieces) {
    batch.push(p);
    n += p.length;
    if (n >= size) {
      yield batch.length === 1 ? batch[0] : Buffer.concat(batch, n);
      batch = [];
      n = 0;
    }
  }
  if (n > 0) yield batch.length === 1 ? batch[0] : Buffer.concat(batch, n);
}

/** The full document's JSON bytes from a stored analysis, as pieces (see expandCompactJson). */
export function fullJsonPieces(analysis: StoredAnalysis): { pieces: Buffer[]; length: number } {
  return analysis.form === 'compact'
    ? expandCompactJson(analysis.json)
    : { pieces: [analysis.json], length: analysis.json.length };
}

/**
 * The full document as objects. Compact: parsed small and expanded in memory, the tasks
 * of one stack sharing its frames array (read-only), which is far cheaper than parsing
 * the expanded JSON.
 */
export function parseFullDocument(analysis: StoredAnalysis): AnalysisDocument | null {
  const value = JSON.parse(analysis.json.toString('utf8')) as AnalysisDocument | CompactAnalysis | null;
  return value === null ? null : expandAnalysis(value);
}

// The analysis document as compact JSON, in pieces: a 50 MB dump's document is hundreds
// of megabytes, and one JSON.stringify of it needs that string whole (and the process
// twice that). Pieces are the top-level fields and, for the long arrays (tasks, graph
// nodes and edges, locks), one element at a time; the concatenation is exactly
// JSON.stringify(doc).

import { isTableFrame } from './parse/frame-table.js';

/** Characters of shared lists' JSON kept for reuse (bounds the memory of SharedLists). */
const SHARED_JSON_BUDGET = 8 << 20;

/**
 * The JSON of lists that many elements share: the model interns stacks (parse/frame-table),
 * so the thousands of tasks of a dump that wait in the same place hold the same frozen
 * array of frozen frames, and writing it once instead of once per task is most of the
 * encoding time of a big dump. Only a frozen array of frozen plain objects of primitive
 * values is reused — its JSON cannot change — and only once seen twice, so a document
 * of distinct stacks keeps nothing.
 */
class SharedLists {
  private seen = new Map<readonly unknown[], string | null>();
  private kept = 0;

  /** JSON.stringify(list), from memory when it was written before. */
  json(list: readonly unknown[]): string {
    const known = this.seen.get(list);
    if (known) return known;
    const text = JSON.stringify(list);
    if (known === null && this.kept + text.length <= SHARED_JSON_BUDGET) {
      this.seen.set(list, text);
      this.kept += text.length;
    } else if (known === undefined && immutable(list)) this.seen.set(list, null);
    return text;
  }
}

function immutable(list: readonly unknown[]): boolean {
  if (!Object.isFrozen(list)) return false;
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (e === null || typeof e !== 'object') continue;
    // Plain objects, or the frame table's frames (a class whose JSON is its own fields).
    if (!Object.isFrozen(e) || (Object.getPrototypeOf(e) !== Object.prototype && !isTableFrame(e))) return false;
    for (const v of Object.values(e)) if (v !== null && typeof v === 'object') return false;
  }
  return true;
}

/** Yields JSON text whose concatenation equals JSON.stringify(value). */
export function jsonChunks(value: unknown): Generator<string> {
  return chunks(value, 0, new SharedLists());
}

function* chunks(value: unknown, depth: number, shared: SharedLists): Generator<string> {
  if (depth < 2 && Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      // Array holes and undefined become null, as JSON.stringify writes them.
      yield* chunks(value[i] === undefined ? null : value[i], depth + 1, shared);
    }
    yield ']';
    return;
  }
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    if (depth < 2) {
      yield '{';
      let first = true;
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        yield `${first ? '' : ','}${JSON.stringify(k)}:`;
        first = false;
        yield* chunks(v, depth + 1, shared);
      }
      yield '}';
      return;
    }
    // An element of a long array (a task): written whole, its shared lists from memory.
    if (!Array.isArray(value) && holdsFrozenList(value)) {
      yield withSharedLists(value as Record<string, unknown>, shared);
      return;
    }
  }
  yield JSON.stringify(value) ?? 'null';
}

/**
 * JSON.stringify(o), with o's frozen lists written by `shared`. The fields between two
 * such lists are written by one JSON.stringify of an object holding just them (one call
 * for a run of fields, not two per field: a task has twenty).
 */
function withSharedLists(o: Record<string, unknown>, shared: SharedLists): string {
  let out = '';
  let run: Record<string, unknown> | null = null;
  const flush = () => {
    if (run === null) return;
    const json = JSON.stringify(run);
    // `{}` when every field of the run was one JSON leaves out (undefined, a function).
    if (json.length > 2) out += (out === '' ? '' : ',') + json.slice(1, -1);
    run = null;
  };
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (Array.isArray(v) && Object.isFrozen(v)) {
      flush();
      out += (out === '' ? '' : ',') + JSON.stringify(k) + ':' + shared.json(v);
    } else if (k === '__proto__') {
      // Assigned to an object, this key would set its prototype instead.
      flush();
      const json = JSON.stringify(v);
      if (json !== undefined) out += (out === '' ? '' : ',') + '"__proto__":' + json;
    } else (run ??= {})[k] = v;
  }
  flush();
  return '{' + out + '}';
}

function holdsFrozenList(o: object): boolean {
  for (const v of Object.values(o)) if (Array.isArray(v) && v.length > 0 && Object.isFrozen(v)) return true;
  return false;
}

/** Groups small pieces into writes of about `size` characters. */
export function* batched(chunks: Iterable<string>, size = 1 << 16): Generator<string> {
  let buf: string[] = [];
  let n = 0;
  for (const c of chunks) {
    buf.push(c);
    n += c.length;
    if (n >= size) {
      yield buf.join('');
      buf = [];
      n = 0;
    }
  }
  if (n > 0) yield buf.join('');
}

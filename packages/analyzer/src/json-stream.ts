// The analysis document as compact JSON, in pieces: a 50 MB dump's document is hundreds
// of megabytes, and one JSON.stringify of it needs that string whole (and the process
// twice that). Pieces are the top-level fields and, for the long arrays (tasks, graph
// nodes and edges, locks), one element at a time; the concatenation is exactly
// JSON.stringify(doc).

/** Yields JSON text whose concatenation equals JSON.stringify(value). */
export function* jsonChunks(value: unknown, depth = 0): Generator<string> {
  if (depth < 2 && Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      // Array holes and undefined become null, as JSON.stringify writes them.
      yield* jsonChunks(value[i] === undefined ? null : value[i], depth + 1);
    }
    yield ']';
    return;
  }
  if (
    depth < 2 &&
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  ) {
    yield '{';
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      yield `${first ? '' : ','}${JSON.stringify(k)}:`;
      first = false;
      yield* jsonChunks(v, depth + 1);
    }
    yield '}';
    return;
  }
  yield JSON.stringify(value) ?? 'null';
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

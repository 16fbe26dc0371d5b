// Which lines a virtualised viewer renders: only those in view plus a margin, so a
// dump with a million lines costs the same DOM as one with fifty.
export function visibleWindow(
  scrollTop: number,
  viewHeight: number,
  lineHeight: number,
  lineCount: number,
  overscan = 20,
): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / lineHeight) - overscan);
  const last = Math.min(lineCount - 1, Math.ceil((scrollTop + viewHeight) / lineHeight) + overscan);
  return { first, last: Math.max(first - 1, last) };
}

/** Lines (0-based) containing the query, case-insensitive, capped so a 50 MB search stays bounded. */
export function findMatches(lines: readonly string[], query: string, cap = 10_000): number[] {
  const q = query.toLowerCase();
  if (!q) return [];
  const out: number[] = [];
  for (let i = 0; i < lines.length && out.length < cap; i++) {
    if (lines[i].toLowerCase().includes(q)) out.push(i);
  }
  return out;
}

export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  // A final newline ends the last line; it does not start another.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

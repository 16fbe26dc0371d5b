// Console output interleaves: another CPU or task prints a line into the middle of a
// report or a stack dump (`netlink: 44 bytes leftover …` between a lockdep report's
// lines, another CPU's backtrace between two frames). A capture that ends at the first
// line not its own is cut short there and its rest becomes a capture of its own — stacks
// of unknown tasks. With printk caller ids (`[T43]`, `[C1]`) the foreign lines say so.

import type { LineTable } from '../text/lines.js';

/**
 * Is line j, which is no part of the capture started at line i, a stray — another
 * context's output printed in between — with the capture going on after it? With printk
 * caller ids: a line of another caller, when the capture's own caller goes on with one
 * of its lines (`ours`) within the next 8 lines. Without them: a single line between
 * two of the capture's lines (only where the caller asks for it: `loose`).
 */
export function strayLine(lines: LineTable, i: number, j: number, ours: (t: string) => boolean, loose = true): boolean {
  const own = lines.caller(i);
  const theirs = lines.caller(j);
  if (own !== null && theirs !== null) {
    if (theirs === own) return false;
    for (let k = j + 1; k < lines.length && k <= j + 8; k++) {
      if (lines.caller(k) === own) return lines.blank(k) || ours(lines.trimmed(k));
    }
    return false;
  }
  if (!loose || own !== null) return false;
  return (
    j + 1 < lines.length && j - 1 > i && !lines.blank(j + 1) && ours(lines.trimmed(j + 1)) && ours(lines.trimmed(j - 1))
  );
}

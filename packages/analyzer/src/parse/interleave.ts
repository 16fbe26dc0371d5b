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

// kernel/smp.c csd_lock_wait_toolong() (5.11+): every CPU stuck in csd_lock_wait reports
// at once, and their lines land in the middle of one another's dump_stack() —
//   smp: csd: Detected non-responsive CSD lock (#1) on CPU#5, waiting 5000000868 ns for CPU#03 …
//   smp: \tcsd: CSD lock (#2) unresponsive.
//   smp: csd: Re-sending CSD lock (#6) IPI from CPU#01 to CPU#03
// (`smp: ` is kernel/smp.c's pr_fmt; `csd: cnt(…)` lines are CSD_LOCK_WAIT_DEBUG's trace).
// Such a line is never part of a task line or a stack, whoever printed it.
const CSD_REPORT_LINE = /^(?:smp: {0,2}\t? {0,8})?csd: (?:Detected|Continued|CSD lock|Re-sending|cnt\()/;

export function isCsdReportLine(t: string): boolean {
  return CSD_REPORT_LINE.test(t);
}

/**
 * The end of a run of other CPUs' csd report lines starting at j (at most 8 of them),
 * when the capture goes on right after it (`ours` says so of the next line): the index
 * of that line, or -1.
 */
export function csdRunEnd(lines: LineTable, j: number, ours: (t: string) => boolean): number {
  let k = j;
  while (k < lines.length && k - j < 8 && isCsdReportLine(lines.trimmed(k))) k++;
  return k > j && k < lines.length && ours(lines.trimmed(k)) ? k : -1;
}

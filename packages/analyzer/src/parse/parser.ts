// The interface every format parser implements, and the state they share while the
// segmenter walks the text once from top to bottom.

import type { Line, LineTable } from '../text/lines.js';
import type { TaskState } from '../contract.js';
import type { Records, TaskRef } from './records.js';
import { StackBlocks } from './stack-blocks.js';

/** A 16 KiB kernel stack block's key: its number, or (for text that is not hex) a string. */
export type StackBlockKey = number | string;

/**
 * The 16 KiB-aligned kernel stack block an address falls in (x86_64 THREAD_SIZE): the
 * address without its low 14 bits, as a number (the top 48 bits of the 16 hex digits and
 * 2 bits of the thirteenth: at most 2^50, exact in a double). A number, so that keying a
 * map by it makes no string per stack frame.
 */
export function stackBlockKey(addr: string): StackBlockKey {
  const a = addr.length === 16 && isLowerHex(addr) ? addr : addr.replace(/^0x/, '').toLowerCase().padStart(16, '0');
  let hi = 0;
  for (let i = 0; i < 12; i++) {
    const v = hexValue(a.charCodeAt(i));
    if (v < 0) return textKey(a);
    hi = hi * 16 + v;
  }
  const q = hexValue(a.charCodeAt(12));
  if (q < 0) return textKey(a);
  return hi * 4 + (q >> 2);
}

/** The key of text that is not a hex address (it matches only the same text). */
function textKey(a: string): string {
  return a.slice(0, 12) + Math.floor(Number.parseInt(a[12], 16) / 4);
}

/** stackBlockKey(a) === stackBlockKey(b), without building either key in the common case. */
export function sameStackBlock(a: string, b: string): boolean {
  if (a.length === 16 && b.length === 16) {
    for (let i = 0; i < 12; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
    const x = hexValue(a.charCodeAt(12));
    const y = hexValue(b.charCodeAt(12));
    if (x >= 0 && y >= 0 && isLowerHex(a) && isLowerHex(b)) return x >> 2 === y >> 2;
  }
  return stackBlockKey(a) === stackBlockKey(b);
}

function hexValue(d: number): number {
  return d >= 48 && d <= 57 ? d - 48 : d >= 97 && d <= 102 ? d - 87 : -1;
}

function isLowerHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

export interface CrashState {
  /** The last `crash> CMD` command and the line it was on. */
  command: string | null;
  commandLine: number;
  /** The task crash's commands default to: the panic task, or the last `set`/`bt` header. */
  currentTask: TaskRef | null;
  currentCpu: number | null;
  /** What the crash bt parser read off `command` (it asks on every line of a session). */
  commandFacts: { command: string | null; isBt: boolean; foreachState: TaskState | undefined } | null;
}

export interface ShellState {
  /** The last shell command seen (`[root@h ~]# cat /proc/1/stack`, `$ ps aux`). */
  command: string | null;
  commandLine: number;
}

export interface ParseContext {
  records: Records;
  /** Kernel-stack blocks (16 KiB aligned) already attributed to a task, by block key. */
  stackBlocks: StackBlocks;
  crash: CrashState;
  shell: ShellState;
  /** One copy of each string a parser asks to keep (lock names, call sites): a list of
   *  100,000 entries repeats a few hundred. Per analysis, so nothing outlives it. */
  intern(s: string): string;
  /**
   * Lines inside the capture being parsed that are none of it: another context's
   * one-line message printed between two of its frames. The capture reads on past them
   * and lists them here; the segmenter then parses each on its own (segment.ts).
   */
  strays: number[];
}

export function newContext(records: Records): ParseContext {
  return {
    records,
    stackBlocks: new StackBlocks(records),
    crash: { command: null, commandLine: 0, currentTask: null, currentCpu: null, commandFacts: null },
    shell: { command: null, commandLine: 0 },
    intern: (s) => records.intern(s),
    strays: [],
  };
}

/**
 * A format parser. `starts` is a cheap test on one line. `parse` reads from index `i`
 * and returns the index after the last line it consumed (> i), or null when the text
 * there is not this format after all. It pushes records only when it succeeds.
 *
 * Linearity rule: `parse` may look ahead, but a parser that returns null must have
 * looked at only a bounded number of lines (a constant), so a failed attempt never
 * costs more than O(1) per line.
 */
export interface FormatParser {
  name: string;
  /**
   * Every character a line `starts` accepts can begin with (its trimmed text), when that
   * is a short list: the segmenter then tries this parser only at such lines (most lines
   * of a dump are turned away by their first character, not by 30 `starts` calls).
   * Absent: tried at every line. parse/start-chars.test.ts checks it against the corpus.
   */
  startChars?: string;
  starts(line: Line, ctx: ParseContext): boolean;
  parse(lines: LineTable, i: number, ctx: ParseContext): number | null;
}

/** Index of the next non-blank line at or after i, or lines.length. */
export function skipBlank(lines: LineTable, i: number): number {
  while (i < lines.length && lines.blank(i)) i++;
  return i;
}

export function span(lines: LineTable, from: number, toExclusive: number): { line: number; endLine: number } {
  const last = Math.max(from, toExclusive - 1);
  return { line: lines.no(from), endLine: lines.no(Math.min(last, lines.length - 1)) };
}

/** Normalise a hex address: lower case, no 0x, no leading zeros beyond 16 digits. */
export function hexAddr(s: string): string {
  return s.replace(/^0x/i, '').toLowerCase();
}

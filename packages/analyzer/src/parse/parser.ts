// The interface every format parser implements, and the state they share while the
// segmenter walks the text once from top to bottom.

import type { Line, LineTable } from '../text/lines.js';
import type { TaskState } from '../contract.js';
import type { FrameTable } from './frame-table.js';
import type { Records, TaskRef } from './records.js';
import { StackBlocks } from './stack-blocks.js';

// Stack block keys live with the stack-block index; parsers have long imported them from here.
export { sameStackBlock, stackBlockKey, type StackBlockKey } from './stack-blocks.js';

export interface CrashState {
  /** The last `crash> CMD` command and the line it was on. */
  command: string | null;
  commandLine: number;
  /** The task crash's commands default to: the panic task, or the last `set`/`bt` header. */
  currentTask: TaskRef | null;
  currentCpu: number | null;
  /** The task the session is looking at: the target of the last `set PID` or `bt PID`
   *  (the task a person then digs the lock of); null after `bt -a`, `foreach`. */
  subject: TaskRef | null;
  /** The line of the command that made it the subject. */
  subjectLine: number;
  /** What the crash bt parser read off `command` (it asks on every line of a session). */
  commandFacts: { command: string | null; isBt: boolean; foreachState: TaskState | undefined } | null;
}

export interface ShellState {
  /** The last shell command seen (`[root@h ~]# cat /proc/1/stack`, `$ ps aux`). */
  command: string | null;
  commandLine: number;
  /** How many lines after the command its output may start (4 when unset): a label that
   *  stands for the command has more between (a `syscall:` line, wrapped). */
  reach?: number;
}

export interface ParseContext {
  records: Records;
  /** The run's frame table (records.frames): every parser takes its frames from it. */
  frames: FrameTable;
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
    frames: records.frames,
    stackBlocks: new StackBlocks(records),
    crash: {
      command: null,
      commandLine: 0,
      currentTask: null,
      currentCpu: null,
      subject: null,
      subjectLine: 0,
      commandFacts: null,
    },
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
  return { line: lines.no(from), endLine: lines.endNo(Math.min(last, lines.length - 1)) };
}

/** Normalise a hex address: lower case, no 0x, no leading zeros beyond 16 digits. */
export function hexAddr(s: string): string {
  return s.replace(/^0x/i, '').toLowerCase();
}

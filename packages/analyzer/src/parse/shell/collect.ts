// The output of scripts/hangscope-collect: sections headed by the source they came from,
//   === hangscope-collect: /proc/4790/stack ===
// and the collector's own notes (`hangscope-collect: skipped: not present on this kernel`).
// A header tells the parsers what the lines below it are: a /proc/PID file's header stands
// for its `cat` (the shell parsers read the stack and the status file), the kernel log's
// lines are read by the dmesg parsers, and the sections no other parser reads (uname,
// wchan, /proc/locks, /proc/lockdep, the runqueue summary, pressure) are read here whole.

import type { LineTable } from '../../text/lines.js';
import { archFromRelease } from '../kernel.js';
import type { FormatParser, ParseContext } from '../parser.js';
import { span } from '../parser.js';

export const COLLECT_HEADER = /^=== hangscope-collect: (.{1,200}) ===$/;
const COLLECT_NOTE = /^hangscope-collect[: ]/;
const PROC_FILE = /^\/proc\/(\d{1,9})\/(?:task\/(\d{1,9})\/)?(stack|comm|wchan|status)$/;
// `uname -a`: `Linux host 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian … x86_64 GNU/Linux`
const UNAME = /^Linux \S{1,64} (\d{1,2}\.\d{1,3}(?:\.\d{1,4})?(?:[-+][\w.+~-]{1,80})?) /;
// sched_debug's per-CPU header (`cpu#3, 2394.374 MHz`; `cpu#3` since 4.x) and its fields.
const SCHED_CPU = /^cpu#(\d{1,5})\b/;
const SCHED_CURR = /^\.curr->pid {0,40}: (\d{1,9})$/;

/** A kernel comm (TASK_COMM_LEN 16: at most 15 characters). */
const COMM_LINE = /^\S.{0,15}$/;

/** The index of the next collector header at or after i (or the end). */
function sectionEnd(lines: LineTable, i: number): number {
  let j = i;
  while (j < lines.length && !(lines.firstCode(j) === 61 /* = */ && COLLECT_HEADER.test(lines.trimmed(j)))) j++;
  return j;
}

/**
 * A /proc/PID file named by a header (the collector's, or `tail`'s `==> /proc/PID/comm <==`):
 * the stack's header stands for its `cat` command (procStackParser reads the frames), a
 * comm file's one line names the task, a wchan file's one line is read with it. Returns
 * the index after what it consumed.
 */
export function readProcFileHeader(lines: LineTable, i: number, ctx: ParseContext, pid: number, file: string): number {
  const next = i + 1 < lines.length ? lines.trimmed(i + 1) : '';
  if (file === 'stack') {
    ctx.shell.command = `cat /proc/${pid}/stack`;
    ctx.shell.commandLine = lines.no(i);
    ctx.shell.reach = undefined;
    return i + 1;
  }
  if (file === 'comm' && COMM_LINE.test(next)) {
    ctx.records.addTask({
      pid,
      comm: next,
      state: null,
      cpu: null,
      taskAddr: null,
      frames: [],
      span: span(lines, i, i + 2),
      format: 'proc_comm',
    });
    return i + 2;
  }
  // wchan: the function the task sleeps in, or 0 when it runs.
  if (file === 'wchan' && /^(?:0|[A-Za-z_][\w.]{0,127})$/.test(next)) return i + 2;
  return i + 1;
}

export const collectHeaderParser: FormatParser = {
  name: 'hangscope_collect',
  startChars: '=',
  starts: (line) => COLLECT_HEADER.test(line.trimmed),
  parse(lines, i, ctx) {
    const source = COLLECT_HEADER.exec(lines.trimmed(i))![1];
    const proc = PROC_FILE.exec(source);
    if (proc) return readProcFileHeader(lines, i, ctx, Number(proc[2] ?? proc[1]), proc[3]);
    if (source === 'uname -a') {
      const end = sectionEnd(lines, i + 1);
      for (let j = i + 1; j < end; j++) {
        const m = UNAME.exec(lines.trimmed(j));
        // uname states the running kernel: as strong as a `Linux version` banner.
        if (m)
          ctx.records.kernels.push({
            release: m[1],
            arch: archFromRelease(lines.trimmed(j)) ?? archFromRelease(m[1]),
            strength: 10,
            line: lines.no(j),
          });
      }
      return end;
    }
    if (/^\/proc\/sched_debug$|\/sched\/debug$/.test(source)) return readRunqueues(lines, i, ctx);
    // Read whole here: file locks, lockdep's classes, pressure. None of their lines is a
    // stack or a lock of the wait-for graph (file locks are not kernel locks a task holds
    // in its stack), so they are kept as evidence of what was captured, not modelled.
    if (/^\/proc\/(?:locks|lockdep|pressure\/\w{1,16})$/.test(source)) return sectionEnd(lines, i + 1);
    // Everything else (the kernel log, sysrq's notes, the workqueue file, the collector's
    // own notes) is read by the parsers of what its lines are.
    return i + 1;
  },
};

/**
 * The collector's runqueue summary (sched_debug, kernel/sched/debug.c print_cpu()): each
 * CPU's header and counters. `.curr->pid` is the task on that CPU when it was read; 0 is
 * the idle task.
 */
function readRunqueues(lines: LineTable, i: number, ctx: ParseContext): number {
  const end = sectionEnd(lines, i + 1);
  let cpu: number | null = null;
  let from = i + 1;
  for (let j = i + 1; j < end; j++) {
    const t = lines.trimmed(j);
    const c = SCHED_CPU.exec(t);
    if (c) {
      cpu = Number(c[1]);
      from = j;
      continue;
    }
    const m = cpu === null ? null : SCHED_CURR.exec(t);
    if (m && cpu !== null) {
      const pid = Number(m[1]);
      ctx.records.cpus.push({
        cpu,
        current: pid === 0 ? null : { pid, comm: null, taskAddr: null },
        ...(pid === 0 ? { idle: true } : {}),
        span: span(lines, from, j + 1),
        format: 'sched_debug',
      });
      cpu = null;
    }
  }
  return end;
}

/** The collector's notes: what it skipped and why, how many tasks were blocked. */
export const collectNoteParser: FormatParser = {
  name: 'hangscope_collect',
  startChars: 'h',
  starts: (line) => COLLECT_NOTE.test(line.trimmed),
  parse: (_lines, i) => i + 1,
};

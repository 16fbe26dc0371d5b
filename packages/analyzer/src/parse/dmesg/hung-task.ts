// The hung-task detector (kernel/hung_task.c `check_hung_task`):
//
//   INFO: task systemd-udevd:611 blocked for more than 120 seconds.
//         Not tainted 4.18.0-305.el8.x86_64 #1        (print_tainted + release + version)
//         Blocked by coredump.                         (6.x, PF_POSTCOREDUMP)
//   "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
//   <sched_show_task dump>
//
// and, since 6.16, `debug_show_blocker`'s hint naming the likely owner of the lock the
// task sleeps on, followed by the owner's own `sched_show_task` dump.

import type { LockType } from '../../contract.js';
import { HUNG_TASK_ECHO_LINE, HUNG_TASK_ECHO_START } from '../../knowledge/hung-task-lines.js';
import type { FrameTable } from '../frame-table.js';
import { armCallOfLine, frameOfLine } from '../frames.js';
import type { TaskRef } from '../records.js';
import type { FormatParser } from '../parser.js';
import { span } from '../parser.js';
import type { LineTable } from '../../text/lines.js';
import { readTrace, TRACE_HEADER, type Trace } from './call-trace.js';
import { parseWorkqueueLine, readTaskDump, startsTaskOrCapture } from './task-dump.js';

// `INFO: task %s:%d blocked for more than %ld seconds.`; syzbot kernels also print
// `INFO: task %s:%d can't die for more than %ld seconds.` for killed tasks that hang.
// 6.x adds `blocked in I/O wait for more than`. A comm holding a newline splits the
// headline over two lines; the parser then joins them.
// Some vendor kernels quote the comm (`INFO: task "kworker/0:0":7 blocked …`).
// What follows `seconds.` after blanks is not the kernel's: a note the sender added
// (`… 122 seconds.  (… 245, 368, 491 …)` for the reports left out) or the next line a
// client joined onto this one; the headline is read and the rest left.
const HEADER =
  /^INFO: task (?:"([\s\S]{1,16}?)"|([\s\S]{1,16}?)):(\d{1,10}) (blocked|can't die)(?: in I\/O wait)? for more than (\d{1,10}) seconds(?:\.?$|\. {1,8}\S.{0,300}$)/;
const PREAMBLE = [/^(?:Not tainted|Tainted: ).{0,200}$/, /^Blocked by coredump\.$/, HUNG_TASK_ECHO_LINE];

export const hungTaskParser: FormatParser = {
  name: 'hung_task',
  startChars: 'I',
  starts(line) {
    return line.trimmed.startsWith('INFO: task ');
  },
  parse(lines, i, ctx) {
    let m = HEADER.exec(lines.trimmed(i));
    let head = 1;
    if (!m && i + 1 < lines.length && lines.trimmed(i).length < 40) {
      m = HEADER.exec(lines.trimmed(i) + '\n' + lines.text(i + 1));
      head = 2;
    }
    if (!m) return null;
    const pid = Number(m[3]);
    const comm = m[1] ?? m[2];
    const seconds = Number(m[5]);
    let j = i + head;
    while (j < lines.length && j - i < PREAMBLE.length + head && PREAMBLE.some((re) => re.test(lines.trimmed(j)))) j++;
    const dump = j < lines.length ? readTaskDump(lines, j, 'hung_task', ctx.frames) : null;
    let headless: ReturnType<typeof readHeadlessTrace> = null;
    // The dump is the hung task's when its pid matches (it always does unless the text was cut).
    if (dump && dump.rec.pid === pid) {
      dump.rec.blockedSeconds = seconds;
      dump.rec.comm = dump.rec.comm && comm.startsWith(dump.rec.comm) ? comm : dump.rec.comm;
      dump.rec.span = span(lines, i, dump.end);
      ctx.records.addTask(dump.rec);
      for (const s of dump.strays) ctx.strays.push(s);
      j = dump.end;
    } else if (!dump && j < lines.length && (headless = readHeadlessTrace(lines, j, ctx.frames))) {
      // No task line (the sender cut sched_show_task's first line, or the kernel printed
      // none): the `Call Trace:` right under the headline is the hung task's stack.
      const { trace: tr, workqueue } = headless;
      ctx.records.addTask({
        pid,
        comm,
        state: 'D',
        cpu: null,
        taskAddr: null,
        frames: tr.frames,
        frameLines: tr.frameLines,
        ...(Object.keys(tr.registers).length ? { registers: tr.registers } : {}),
        ...(tr.stops.length ? { stops: tr.stops } : {}),
        ...(workqueue ? { workqueue } : {}),
        blockedSeconds: seconds,
        span: span(lines, i, tr.end),
        format: 'hung_task',
      });
      for (const s of tr.strays) ctx.strays.push(s);
      j = tr.end;
    } else {
      ctx.records.addTask({
        pid,
        comm,
        state: 'D',
        cpu: null,
        taskAddr: null,
        frames: [],
        blockedSeconds: seconds,
        span: span(lines, i, j),
        format: 'hung_task',
      });
    }
    ctx.records.reports.push({
      kind: 'hung_task',
      header: lines.trimmed(i),
      task: { pid, comm, taskAddr: null },
      seconds,
      subtype: m[4] === 'blocked' ? null : 'cant_die',
      span: span(lines, i, i + head),
      format: 'hung_task',
    });
    return j;
  },
};

/** A `Call Trace:` (after an optional `Workqueue:` line) at line j, with its frames. */
function readHeadlessTrace(
  lines: LineTable,
  j: number,
  frames: FrameTable,
): { trace: Trace; workqueue: { wq: string; fn: string } | null } | null {
  const workqueue = parseWorkqueueLine(lines.trimmed(j));
  const k = workqueue ? j + 1 : j;
  // Or the frames start right under the headline: the sender kept only them, without the
  // task line or a header (`[<c05278e8>] (__schedule) from [<c0527d34>] (schedule+0x40/0xa4)`).
  if (k >= lines.length) return null;
  const first = lines.trimmed(k);
  if (!TRACE_HEADER.test(first) && !frameOfLine(frames, first) && !armCallOfLine(frames, first)) return null;
  const trace = readTrace(lines, k, frames, 512, startsTaskOrCapture);
  return trace.frames.length > 0 ? { trace, workqueue } : null;
}

// `debug_show_blocker` (kernel/hung_task.c, 6.16+):
//   INFO: task A:1 is blocked on a mutex likely owned by task B:2.
//   INFO: task A:1 blocked on a semaphore likely last held by task B:2
//   INFO: task A:1 <writer> blocked on an rw-semaphore likely owned by task B:2 <reader>
//   INFO: task A:1 is blocked on a mutex, but the owner is not found.
const HINT =
  /^INFO: task (.{1,16}?):(\d{1,10}) (?:<(?:reader|writer)> )?(?:is )?blocked on (a mutex|a semaphore|an rw-semaphore)(?: likely (?:owned|last held) by task (.{1,16}?):(\d{1,10})(?: <(?:reader|writer)>)?\.?|, but the (?:owner|last holder) is not found\.)$/;
const HINT_TYPE: Record<string, LockType> = {
  'a mutex': 'mutex',
  'a semaphore': 'semaphore',
  'an rw-semaphore': 'rwsem',
};

export const hungTaskHintParser: FormatParser = {
  name: 'hung_task_hint',
  startChars: 'I',
  starts(line) {
    return line.trimmed.startsWith('INFO: task ') && line.trimmed.includes(' blocked on ');
  },
  parse(lines, i, ctx) {
    const m = HINT.exec(lines.trimmed(i));
    if (!m) return null;
    const waiter: TaskRef = { pid: Number(m[2]), comm: m[1], taskAddr: null };
    const owner: TaskRef | null = m[4] ? { pid: Number(m[5]), comm: m[4], taskAddr: null } : null;
    ctx.records.lockFacts.push({
      addr: null,
      type: HINT_TYPE[m[3]],
      owner,
      waiters: [waiter],
      span: span(lines, i, i + 1),
      format: 'hung_task_hint',
    });
    // debug_show_blocker runs only from check_hung_task, after the hung task's own report:
    // a hint whose waiter has no hung-task report just before it (the paste kept the hint
    // and the owner's dump, not the headline) stands for that report — the waiter is a
    // task hung in D, asleep on the lock the hint names.
    if (!hungReportJustBefore(ctx.records.reports, waiter.pid!)) {
      ctx.records.addTask({
        pid: waiter.pid,
        comm: waiter.comm,
        state: 'D',
        cpu: null,
        taskAddr: null,
        frames: [],
        span: span(lines, i, i + 1),
        format: 'hung_task',
      });
      ctx.records.reports.push({
        kind: 'hung_task',
        header: lines.trimmed(i),
        task: waiter,
        seconds: null,
        subtype: null,
        span: span(lines, i, i + 1),
        format: 'hung_task',
      });
    }
    return i + 1;
  },
};

/** Whether one of the last few reports is the hung-task report of `pid` (the hint's own). */
function hungReportJustBefore(reports: readonly { kind: string; task?: TaskRef | null }[], pid: number): boolean {
  for (let k = reports.length - 1; k >= 0 && k >= reports.length - 4; k--) {
    const r = reports[k];
    if (r.kind === 'hung_task' && r.task?.pid === pid) return true;
  }
  return false;
}

// The hung-task report with its `INFO: task …` line cut (by the sender, or lost to a full
// console buffer) still holds check_hung_task's next lines: `"echo 0 > /proc/sys/kernel/
// hung_task_timeout_secs" disables this message.` is printed by nothing else, so it is
// that report, and the `sched_show_task` dump after it is the hung task's.

export const hungTaskCutParser: FormatParser = {
  name: 'hung_task',
  startChars: '"',
  starts(line) {
    return line.trimmed.startsWith(HUNG_TASK_ECHO_START);
  },
  parse(lines, i, ctx) {
    const t = lines.trimmed(i);
    if (!HUNG_TASK_ECHO_LINE.test(t)) return null;
    const dump = i + 1 < lines.length ? readTaskDump(lines, i + 1, 'hung_task', ctx.frames) : null;
    const blocked = dump && dump.rec.state === 'D' ? dump.rec : null;
    if (dump) {
      dump.rec.span = span(lines, i, dump.end);
      ctx.records.addTask(dump.rec);
      for (const s of dump.strays) ctx.strays.push(s);
    }
    ctx.records.reports.push({
      kind: 'hung_task',
      header: t,
      task: blocked ? { pid: blocked.pid, comm: blocked.comm, taskAddr: null } : null,
      seconds: null,
      subtype: null,
      span: span(lines, i, i + 1),
      format: 'hung_task',
    });
    return dump ? dump.end : i + 1;
  },
};

// Workqueue lockups and busy-workqueue dumps (kernel/workqueue.c):
//
//   BUG: workqueue lockup - pool cpus=1 node=0 flags=0x0 nice=0 stuck for 36s!   (wq_watchdog_timer_fn)
//   Showing busy workqueues and worker pools:                                     (show_all_workqueues)
//   workqueue events: flags=0x0                                                   (show_one_workqueue)
//     pwq 2: cpus=1 node=0 flags=0x0 nice=0 active=3/256 refcnt=4                (show_pwq; 6.x `active=3 refcnt=4`)
//       in-flight: 4790:qxl_fb_work BAR(123), 12(RESCUER):fn
//       pending: vmstat_shepherd, 2*fn, BAR(77)                                   (pr_cont_work[_flush])
//       delayed: fn                                                                (`inactive:` since 6.5)
//   pool 2: cpus=1 node=0 flags=0x0 nice=0 hung=36s workers=3 idle: 5 6           (show_one_worker_pool)
//   Showing backtraces of running workers in stalled CPU-bound worker pools:     (show_cpu_pools_hogs, 6.5+;
//   pool 358:                                                                       `busy workers` since 6.19)
//   task:kworker/89:0 state:R  running task  stack:0 pid:3136989 …               (show_cpu_pool_hog)
//
// A dump is often pasted in part: without the `BUG:` line, without timestamps, without
// its indentation, or starting at a `pwq`/`in-flight:` line. Each line is read on its own
// shape, so any of them starts (and continues) the dump.
//
// What the lines state: each `in-flight: PID:fn` is worker task PID running fn (its
// works listed after it are on that worker's scheduled list); `BAR(N)` is the barrier
// flush_work queued right behind the work it flushes (insert_wq_barrier), so task N
// waits for the work printed just before it; `hung=Ns` is how long the pool has made no
// progress, which the watchdog reports past its threshold. The watchdog prints the
// backtraces of a stalled CPU-bound pool's running workers only after it found that pool
// stalled (wq_watchdog_timer_fn sets cpu_pool_stall), so that header alone says a
// workqueue lockup happened, and each `pool N:` names the worker dumped right after it
// as one running in that stalled pool.

import { WQ_WATCHDOG_THRESH_S } from '../../knowledge/workqueues.js';
import type { Records } from '../records.js';
import { parseTaskLine } from './task-dump.js';
import type { FormatParser } from '../parser.js';
import type { LineTable } from '../../text/lines.js';
import { span } from '../parser.js';

const LOCKUP = /^BUG: workqueue lockup - pool (?:\d{1,5} )?(cpus=(\S{1,64}) .{0,120}?)stuck for (\d{1,7})s!$/;
const SHOWING =
  /^Showing (?:busy workqueues and worker pools|backtraces of (?:running|busy) workers in stalled CPU-bound worker pools):$/;
const SHOWING_HOGS = /^Showing backtraces of (?:running|busy) workers in stalled CPU-bound worker pools:$/;
/** `pool N:` before a stalled pool's running worker's dump (show_cpu_pool_hog). */
const HOG_POOL = /^pool (\d{1,6}):$/;
const WQ = /^workqueue (\S{1,64}): flags=0x[0-9a-f]{1,8}$/;
const PWQ = /^pwq \d{1,6}: cpus=(\S{1,64}) /;
const LIST = /^(in-flight|pending|delayed|inactive): (.{1,3000})$/;
/** A list header whose items were wrapped onto the next line, and such a line of items. */
const BARE_LIST = /^(in-flight|pending|delayed|inactive):$/;
const LIST_ITEMS =
  /^(?:\d{1,10}(?:\(RESCUER\))?:)?[A-Za-z_][\w.$]{0,159}(?: \[[\w-]{1,64}\])?(?: {0,4},(?: {0,4}|$)|$)/;
const JOINED_WQ = / workqueue (\S{1,64}): flags=0x[0-9a-f]{1,8}$/;
/** An in-flight list: it starts with a worker's `PID:fn` (or `PID(RESCUER):fn`). */
const INFLIGHT_START = /^in-flight: \d{1,10}(?:\(RESCUER\))?:[A-Za-z_]/;
const POOL = /^pool \d{1,6}: cpus=(\S{1,64}) .{0,200}?hung=(\d{1,9})s/;
const POOL_ANY = /^pool \d{1,6}: cpus=\S{1,64} /;
const POOL_MORE = /^(?:manager: \d{1,10}|idle: [\d ]{1,3000})/;
const BAR = /^BAR\((\d{1,10})\)$/;

/** A pool's CPU when it is one CPU (`cpus=5`), else null (`cpus=0-3`, unbound pools). */
function singleCpu(cpus: string | null): number | null {
  return cpus !== null && /^\d{1,5}$/.test(cpus) ? Number(cpus) : null;
}

function readList(
  kind: string,
  body: string,
  wq: string | null,
  poolCpus: string | null,
  sp: { line: number; endLine: number },
  records: Records,
): void {
  const state = kind === 'in-flight' ? 'running' : kind === 'pending' ? 'pending' : 'delayed';
  let workerPid: number | null = null;
  // The work the next `BAR(N)` is queued behind.
  let last: string | null = null;
  for (const part of body.split(',')) {
    for (const tok of part.trim().split(/\s{1,4}/)) {
      if (tok === '' || /^\[[\w-]{1,64}\]$/.test(tok)) continue;
      const bar = BAR.exec(tok);
      if (bar) {
        const pid = Number(bar[1]);
        if (last !== null && pid > 0) {
          records.workBarriers.push({ pid, fn: last, wq, span: sp });
          // The flusher is a task of the dump even when nothing else shows it.
          records.addTask({
            pid,
            comm: null,
            state: null,
            cpu: null,
            taskAddr: null,
            frames: [],
            span: sp,
            format: 'workqueue_dump',
          });
        }
        continue;
      }
      // `pid[(RESCUER)]:fn` starts a worker's entry; the works after it wait on that worker.
      const inflight = /^(\d{1,10})(?:\(RESCUER\))?:(\S{1,160})$/.exec(tok);
      if (inflight) {
        workerPid = Number(inflight[1]);
        last = inflight[2];
        records.works.push({ fn: last, wq, state: 'running', workerPid, poolCpus, span: sp, format: 'workqueue_dump' });
        // The worker is a task running that work (bound to its pool's CPU, when one).
        records.addTask({
          pid: workerPid,
          comm: null,
          state: null,
          cpu: singleCpu(poolCpus),
          taskAddr: null,
          frames: [],
          workqueue: wq ? { wq, fn: last } : null,
          span: sp,
          format: 'workqueue_dump',
        });
        continue;
      }
      const pending = /^(?:\d{1,6}\*)?([A-Za-z_][\w.$]{0,159})$/.exec(tok);
      if (pending) {
        last = pending[1];
        records.works.push({
          fn: last,
          wq,
          state: state === 'running' ? 'pending' : state,
          poolCpus,
          span: sp,
          format: 'workqueue_dump',
        });
      }
    }
  }
}

export const workqueueLockupParser: FormatParser = {
  name: 'workqueue_lockup',
  startChars: 'B',
  starts(line) {
    return line.trimmed.startsWith('BUG: workqueue lockup');
  },
  parse(lines, i, ctx) {
    const m = LOCKUP.exec(lines.trimmed(i));
    if (!m) return null;
    const cpu = singleCpu(m[2]);
    const sp = span(lines, i, i + 1);
    ctx.records.reports.push({
      kind: 'workqueue_lockup',
      header: lines.trimmed(i),
      cpu,
      seconds: Number(m[3]),
      subtype: m[1].trim(),
      span: sp,
      format: 'workqueue_lockup',
    });
    ctx.records.stuckPools.push({ cpus: m[2], seconds: Number(m[3]), span: sp });
    return i + 1;
  },
};

/** A line that begins (or continues) a busy-workqueue dump. */
function dumpLine(t: string): boolean {
  return SHOWING.test(t) || WQ.test(t) || PWQ.test(t) || INFLIGHT_START.test(t) || POOL_ANY.test(t);
}

export const workqueueDumpParser: FormatParser = {
  name: 'workqueue_dump',
  startChars: 'Swpi',
  starts(line) {
    const t = line.trimmed;
    return (
      t.startsWith('Showing ') ||
      t.startsWith('workqueue ') ||
      t.startsWith('pwq ') ||
      t.startsWith('pool ') ||
      t.startsWith('in-flight: ')
    );
  },
  parse(lines, i, ctx) {
    if (!dumpLine(lines.trimmed(i)) && !hogAt(lines, i)) return null;
    let wq: string | null = null;
    let poolCpus: string | null = null;
    let j = i;
    for (; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (SHOWING.test(t)) {
        if (SHOWING_HOGS.test(t)) noteStalledPools(t, span(lines, j, j + 1), ctx.records);
        continue;
      }
      let m: RegExpExecArray | null;
      const hog = hogAt(lines, j);
      if (hog) {
        // The worker's own dump follows: the task-dump parser reads it.
        ctx.records.poolHogs.push({ ...hog, span: span(lines, j, j + 2) });
        continue;
      }
      if ((m = WQ.exec(t))) {
        wq = m[1];
        poolCpus = null;
      } else if ((m = PWQ.exec(t))) {
        poolCpus = m[1];
      } else if ((m = LIST.exec(t))) {
        // A workqueue's header a mail client joined onto the list line before it:
        // `in-flight: 107676:cleanup_net workqueue pm: flags=0x4`.
        const joined = JOINED_WQ.exec(m[2]);
        readList(m[1], joined ? m[2].slice(0, joined.index) : m[2], wq, poolCpus, span(lines, j, j + 1), ctx.records);
        if (joined) {
          wq = joined[1];
          poolCpus = null;
        }
      } else if ((m = BARE_LIST.exec(t)) && j + 1 < lines.length && LIST_ITEMS.test(lines.trimmed(j + 1))) {
        // The list's items a mail client wrapped onto the next line (`in-flight: ` /
        // `107843:pm_runtime_work ,100179:pm_runtime_work …`).
        readList(m[1], lines.trimmed(j + 1), wq, poolCpus, span(lines, j, j + 2), ctx.records);
        j++;
      } else if ((m = POOL.exec(t))) {
        wq = null;
        const hung = Number(m[2]);
        if (hung >= WQ_WATCHDOG_THRESH_S)
          notePoolHung(m[1], hung, span(lines, j, j + 1), lines.trimmed(j), ctx.records);
      } else if (POOL_ANY.test(t) || POOL_MORE.test(t)) {
        wq = null;
      } else break;
    }
    return j > i ? j : null;
  },
};

/**
 * A pool the dump shows hung past the watchdog's threshold is a stuck pool, and a
 * workqueue lockup report when the text has none for it (the `BUG:` line was not pasted).
 */
function notePoolHung(
  cpus: string,
  seconds: number,
  sp: { line: number; endLine: number },
  header: string,
  records: Records,
): void {
  if (records.stuckPools.some((p) => p.cpus === cpus)) return;
  records.stuckPools.push({ cpus, seconds, span: sp });
  records.reports.push({
    kind: 'workqueue_lockup',
    header,
    cpu: singleCpu(cpus),
    seconds,
    subtype: `cpus=${cpus}`,
    span: sp,
    format: 'workqueue_pool',
  });
}

/** A `pool N:` line with the dump of the worker it names on the next line. */
function hogAt(lines: LineTable, j: number): { pool: number; pid: number; comm: string } | null {
  const m = HOG_POOL.exec(lines.trimmed(j));
  if (!m || j + 1 >= lines.length) return null;
  const task = parseTaskLine(lines.trimmed(j + 1));
  return task && task.pid > 0 ? { pool: Number(m[1]), pid: task.pid, comm: task.comm } : null;
}

/**
 * The backtraces of stalled CPU-bound pools' workers are printed only after the watchdog
 * found such a pool stalled: a workqueue lockup report, when the text has none (its
 * `BUG:` line was not pasted).
 */
function noteStalledPools(header: string, sp: { line: number; endLine: number }, records: Records): void {
  if (records.reports.some((r) => r.kind === 'workqueue_lockup')) return;
  records.reports.push({
    kind: 'workqueue_lockup',
    header,
    cpu: null,
    seconds: null,
    subtype: 'stalled CPU-bound worker pools',
    span: sp,
    format: 'workqueue_dump',
  });
}

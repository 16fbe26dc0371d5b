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
//   Showing backtraces of running workers in stalled CPU-bound worker pools:     (6.x, then dumps)

import type { WorkRecord } from '../records.js';
import type { FormatParser } from '../parser.js';
import { span } from '../parser.js';

const LOCKUP = /^BUG: workqueue lockup - pool (?:\d{1,5} )?(cpus=(\S{1,64}) .{0,120}?)stuck for (\d{1,7})s!$/;
const SHOWING = /^Showing (?:busy workqueues and worker pools|backtraces of running workers in stalled CPU-bound worker pools):$/;
const WQ = /^workqueue (\S{1,64}): flags=0x[0-9a-f]{1,8}$/;
const PWQ = /^pwq \d{1,6}: cpus=(\S{1,64}) /;
const LIST = /^(in-flight|pending|delayed|inactive): (.{1,3000})$/;
const POOL = /^pool \d{1,6}: cpus=\S{1,64} /;
const POOL_MORE = /^(?:manager: \d{1,10}|idle: [\d ]{1,3000})/;

function readList(kind: string, body: string, wq: string | null, poolCpus: string | null, sp: { line: number; endLine: number }, out: WorkRecord[]): void {
  const state: WorkRecord['state'] = kind === 'in-flight' ? 'running' : kind === 'pending' ? 'pending' : 'delayed';
  let workerPid: number | null = null;
  for (const part of body.split(',')) {
    for (const tok of part.trim().split(/\s{1,4}/)) {
      if (tok === '' || /^BAR\(\d{1,10}\)$/.test(tok) || /^\[[\w\-]{1,64}\]$/.test(tok)) continue;
      // `pid[(RESCUER)]:fn` starts a worker's entry; the works after it wait on that worker.
      const inflight = /^(\d{1,10})(?:\(RESCUER\))?:(\S{1,160})$/.exec(tok);
      if (inflight) {
        workerPid = Number(inflight[1]);
        out.push({ fn: inflight[2], wq, state: 'running', workerPid, poolCpus, span: sp, format: 'workqueue_dump' });
        continue;
      }
      const pending = /^(?:\d{1,6}\*)?([A-Za-z_][\w.$]{0,159})$/.exec(tok);
      if (pending) out.push({ fn: pending[1], wq, state: state === 'running' ? 'pending' : state, poolCpus, span: sp, format: 'workqueue_dump' });
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
    const cpu = /^\d{1,5}$/.test(m[2]) ? Number(m[2]) : null;
    ctx.records.reports.push({ kind: 'workqueue_lockup', header: lines.trimmed(i), cpu, seconds: Number(m[3]), subtype: m[1].trim(), span: span(lines, i, i + 1), format: 'workqueue_lockup' });
    return i + 1;
  },
};

export const workqueueDumpParser: FormatParser = {
  name: 'workqueue_dump',
  startChars: 'Sw',
  starts(line) {
    const t = line.trimmed;
    return t.startsWith('Showing ') || t.startsWith('workqueue ');
  },
  parse(lines, i, ctx) {
    if (!SHOWING.test(lines.trimmed(i)) && !WQ.test(lines.trimmed(i))) return null;
    let wq: string | null = null;
    let poolCpus: string | null = null;
    let j = i;
    for (; j < lines.length; j++) {
      const t = lines.trimmed(j);
      if (SHOWING.test(t)) continue;
      let m: RegExpExecArray | null;
      if ((m = WQ.exec(t))) {
        wq = m[1];
        poolCpus = null;
      } else if ((m = PWQ.exec(t))) {
        poolCpus = m[1];
      } else if ((m = LIST.exec(t))) {
        readList(m[1], m[2], wq, poolCpus, span(lines, j, j + 1), ctx.records.works);
      } else if (POOL.test(t) || POOL_MORE.test(t)) {
        wq = null;
      } else break;
    }
    return j > i ? j : null;
  },
};

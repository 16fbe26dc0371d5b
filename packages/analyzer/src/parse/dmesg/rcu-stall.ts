// RCU CPU stall warnings (kernel/rcu/tree_stall.h; kernel/rcu/tree_plugin.h before 4.20):
//
//   rcu: INFO: rcu_sched detected stalls on CPUs/tasks:        (print_other_cpu_stall)
//   rcu: 	1-...!: (0 ticks this GP) idle=2fa/0/0x1 softirq=…     (print_cpu_stall_info)
//   	(detected by 0, t=21002 jiffies, g=4497, q=42 ncpus=2)
//   rcu: INFO: rcu_preempt self-detected stall on CPU           (print_cpu_stall)
//   	(t=21000 jiffies g=… q=… ncpus=2)
//   INFO: rcu_sched self-detected stall on CPU { 1}  (t=60000 jiffies …)   (3.x, one line)
//   INFO: rcu_preempt detected expedited stalls on CPUs/tasks: { 1-... } 21003 jiffies s: 1189 root: 0x2/.
//   rcu: rcu_sched kthread starved for 10502 jiffies! g4497 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x402 ->cpu=1
//   rcu: 	Unless rcu_sched kthread gets sufficient CPU time, OOM is now expected behavior.
//   rcu: RCU grace-period kthread stack dump:                   (then a sched_show_task dump)
//
// and before 3.0 (kernel/rcutree.c; kernel/rcuclassic.c before 2.6.29):
//   INFO: rcu_sched_state detected stall on CPU 5 (t=15000 jiffies)      (print_cpu_stall: self)
//   INFO: rcu_sched_state detected stalls on CPUs/tasks: { 3 5} (detected by 0, t=15002 jiffies)
//   INFO: RCU detected CPU 5 stall (t=4295078421/2500 jiffies)           (print_cpu_stall: self)
//   INFO: RCU detected CPU stalls: 3 5 (detected by 0, t=2502 jiffies)   (print_other_cpu_stall)
//
// The CPUs listed are stuck; their `NMI backtrace for cpu N` dumps follow.

import type { FormatParser, ParseContext } from '../parser.js';
import { span } from '../parser.js';
import { announceCpu, dmesgState } from './state.js';
import { parseTaskLine } from './task-dump.js';

// `rcu: \t…`: the tab may reach us expanded to spaces (a mail client, a web copy).
// A CPU row starts with a tab (`pr_err("\t%d-…")`); a log path that writes control
// characters escaped and a mail path that then drops the backslash leave `\t0-…` or `t0-…`.
const RCU_PREFIX = /^rcu: {0,2}\s{0,12}(?:\\?t(?=\d{1,5}(?:-[.\w!]{3,6})?: \())?/;
const HEADER =
  /^INFO: (rcu_\w{1,20}|rcu_tasks\w{0,20}) (self-)?detected (expedited )?stalls? on (?:CPUs?|tasks)(?:\/tasks)?:?(.{0,300})$/;
// The stalled CPU that reports itself, on the headline, before 3.0: ` 5 (t=15000 jiffies)`
// after `detected stall on CPU` (rcutree), and rcuclassic's `INFO: RCU detected CPU 5 stall`.
const OLD_SELF_CPU = /^ (\d{1,5})(?: \(t=\d|$)/;
const CLASSIC =
  /^INFO: RCU detected CPU (?:(\d{1,5}) stall \(t=\d|stalls:((?: P?\d{1,10}){0,64}) \(detected by \d{1,5}, t=\d)/;
// `print_cpu_stall_info`: `%3d-%c%c%c%c: (…` — the CPU, then idle/offline/dyntick flags;
// before 4.12 the CPU alone (`\t0: (126 ticks this GP) idle=831/…`).
const CPU_ROW = /^(\d{1,5})(?:-[.\w!]{3,6})?: \(/;
// Detail lines of the same report, to keep them in its segment.
const DETAIL = [
  /^\((?:detected by \d{1,5}, )?t=\d{1,12} jiffies/,
  /^Tasks blocked on level-\d{1,2} rcu_node/,
  /^blocking rcu_node structures/,
  /^(?:rcu_\w{1,20}|rcu_preempt) kthread (?:starved|timer wakeup didn't happen) for \d{1,12} jiffies/,
  /^Unless rcu_\w{1,20} kthread gets sufficient CPU time/,
  /^Possible timer handling issue on cpu=/,
  /^(?:RCU grace-period kthread stack dump|Stack dump where RCU GP kthread last ran):$/,
  /^All QSes seen, last rcu_\w{1,20} kthread activity/,
  /^rcu_\w{1,20} kthread activity/,
  /^\{ ?[\d\-.!a-zA-Z ]{0,200}\} \d{1,12} jiffies/,
  // The expedited stall's tail when a mail client wrapped it off the header line.
  /^\d{1,12} jiffies s: \d{1,12} root: /,
  /^(?:P\d{1,10}|\d{1,5}-[.\w!]{3,6})(?: |$)/,
  /^Timer softirq/,
  /^RCU dump cpu stacks/,
];

// synchronize_rcu_expedited_wait (kernel/rcu/tree_exp.h) prints the stalled CPUs and
// tasks as one line, `{ 3-.... 5-.... P1234 } 21003 jiffies s: …`. Wrapped on its way, the
// list goes on after the header: entries, then `}` (or a line holding only `}`).
const LIST_ENTRY = /^(?:(\d{1,5})-[.\w!]{3,6}|P(\d{1,10})(?:\/\d{1,5}:[\w.]{1,8})?)$/;

/** The CPUs of a wrapped list's continuation `part` (before its `}`), or null when the
 *  line is not one; its `P<pid>` entries go to `pids`. */
function listContinuation(part: string, no: number, pids: { pid: number; line: number }[]): number[] | null {
  const out: number[] = [];
  const found: number[] = [];
  for (const tok of part.trim().split(/\s{1,8}/)) {
    if (tok === '') continue;
    const e = LIST_ENTRY.exec(tok);
    if (!e) return null;
    if (e[1] !== undefined) out.push(Number(e[1]));
    else found.push(Number(e[2]));
  }
  for (const pid of found) if (pids.length < 64) pids.push({ pid, line: no });
  return out;
}

/** The `P<pid>` entries of the expedited stall's `{ … }` list on the header line: tasks
 *  preempted in a read-side critical section that block the expedited grace period
 *  (synchronize_rcu_expedited_wait → rcu_print_task_exp_stall, kernel/rcu/tree_exp.h). */
function pidsIn(s: string, no: number, into: { pid: number; line: number }[]): void {
  const braces = /\{([^}]{0,300})/.exec(s);
  if (!braces) return;
  for (const m of braces[1].matchAll(BLOCKED_PID)) if (into.length < 64) into.push({ pid: Number(m[1]), line: no });
}

function cpusIn(s: string): number[] {
  // An unclosed list is one a mail client wrapped: its CPUs so far are read.
  const braces = /\{ ?([^}]{0,300})(?:\}|$)/.exec(s);
  if (!braces) return [];
  const out: number[] = [];
  for (const m of braces[1].matchAll(/(?:^|\s)(\d{1,5})(?=[-\s]|$)/g)) out.push(Number(m[1]));
  return out;
}

export const rcuStallParser: FormatParser = {
  name: 'rcu_stall',
  starts(line) {
    return line.trimmed.includes('detected') && line.trimmed.includes('stall');
  },
  parse(lines, i, ctx) {
    const head = lines.trimmed(i).replace(RCU_PREFIX, '');
    const stall = readHeadline(head, lines.no(i));
    if (!stall) return null;
    const { cpus, blockedPids, self } = stall;
    let listOpen = stall.listOpen;
    let detectedBy: number | null = null;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const t = lines.trimmed(j).replace(RCU_PREFIX, '');
      if (t === '') break;
      if (listOpen) {
        const close = t.indexOf('}');
        const more = listContinuation(close >= 0 ? t.slice(0, close) : t, lines.no(j), blockedPids);
        listOpen = more !== null && close < 0;
        if (more) {
          cpus.push(...more);
          continue;
        }
      }
      const row = CPU_ROW.exec(t);
      if (row) {
        cpus.push(Number(row[1]));
        continue;
      }
      if (!DETAIL.some((re) => re.test(t))) break;
      noteStarved(t, ctx, lines.no(j));
      readBlockedPids(t, lines.no(j), blockedPids);
      const by = DETECTED_BY.exec(t);
      if (by) detectedBy = Number(by[1]);
      // print_other_cpu_stall then shows the detecting CPU's current task
      // (sched_show_task(current)): the task dump that follows runs there.
      if (noteGpIdle(t, ctx, lines.no(j)) && detectedBy !== null) announceCpu(ctx, detectedBy, j + 1);
    }
    const uniq = [...new Set(cpus)];
    const state = dmesgState(ctx);
    for (const c of uniq) state.stuck.set(c, self ? 'RCU self-detected stall' : 'RCU stall');
    ctx.records.reports.push({
      kind: 'rcu_stall',
      header: lines.trimmed(i),
      // The stalled CPU when there is one (not the CPU that detected the stall).
      cpu: uniq.length === 1 ? uniq[0] : null,
      cpus: uniq,
      subtype: stall.tasks ? 'tasks' : self ? 'self-detected' : stall.expedited ? 'expedited' : 'other-cpu',
      ...(blockedPids.length ? { blockedPids } : {}),
      span: span(lines, i, j),
      format: 'rcu_stall',
    });
    return j;
  },
};

interface Headline {
  cpus: number[];
  blockedPids: { pid: number; line: number }[];
  self: boolean;
  expedited: boolean;
  tasks: boolean;
  /** A `{ … }` list a mail client wrapped: it goes on on the next lines. */
  listOpen: boolean;
}

/** What a stall's headline says: the stalled CPUs and tasks it lists, and its flavour. */
function readHeadline(head: string, no: number): Headline | null {
  const m = HEADER.exec(head);
  if (m) {
    const blockedPids: { pid: number; line: number }[] = [];
    pidsIn(m[4], no, blockedPids);
    const oldSelf = m[2] ? null : OLD_SELF_CPU.exec(m[4]);
    return {
      cpus: oldSelf ? [Number(oldSelf[1])] : cpusIn(m[4]),
      blockedPids,
      self: Boolean(m[2]) || oldSelf !== null,
      expedited: Boolean(m[3]),
      tasks: m[1].startsWith('rcu_tasks'),
      listOpen: m[4].includes('{') && !m[4].includes('}'),
    };
  }
  const c = CLASSIC.exec(head);
  if (!c) return null;
  const cpus: number[] = [];
  const blockedPids: { pid: number; line: number }[] = [];
  if (c[1] !== undefined) cpus.push(Number(c[1]));
  else
    for (const tok of c[2].trim().split(' '))
      if (tok.startsWith('P')) blockedPids.push({ pid: Number(tok.slice(1)), line: no });
      else if (tok !== '') cpus.push(Number(tok));
  return { cpus, blockedPids, self: c[1] !== undefined, expedited: false, tasks: false, listOpen: false };
}

// rcu_print_task_stall (kernel/rcu/tree_stall.h; tree_plugin.h before 4.20): the tasks
// preempted inside an RCU read-side critical section that block the grace period,
// `Tasks blocked on level-0 rcu_node (CPUs 0-3): P828` — ` P%d` per task, `P%d/%d:%c%c%c%c`
// (with the read-side nesting and state letters) since 5.x — up to 30 of them; a line of
// them alone continues the list.
const BLOCKED_HEAD = /^Tasks blocked on level-\d{1,2} rcu_node \(CPUs \d{1,5}-\d{1,5}\):/;
const BLOCKED_PID = /(?:^|\s)P(\d{1,10})(?:\/\d{1,5}:[\w.]{1,8})?(?=\s|$)/g;

function readBlockedPids(t: string, no: number, into: { pid: number; line: number }[]): void {
  const head = BLOCKED_HEAD.exec(t);
  if (!head && !/^P\d/.test(t)) return;
  const rest = head ? t.slice(head[0].length) : t;
  for (const m of rest.matchAll(BLOCKED_PID)) if (into.length < 64) into.push({ pid: Number(m[1]), line: no });
}

// rcu_check_gp_kthread_starvation: `… kthread starved for N jiffies! … ->state=0x0 ->cpu=3`.
// A runnable (state 0x0) GP kthread starved on a CPU means that CPU is not running it.
const STARVED = /kthread starved for \d{1,12} jiffies!.{0,200}->state=0x0 ->cpu=(\d{1,5})/;

const DETECTED_BY = /^\(detected by (\d{1,5}),/;
const GP_IDLE = /^All QSes seen, last (rcu_\w{1,20}) kthread activity (\d{1,12}) /;

/** `All QSes seen, last rcu_sched kthread activity N (…)`: true when the line says so. */
function noteGpIdle(t: string, ctx: ParseContext, no: number): boolean {
  const m = GP_IDLE.exec(t);
  if (m) ctx.records.rcuGpIdle.push({ kthread: m[1], jiffies: Number(m[2]), span: { line: no, endLine: no } });
  return m !== null;
}

function noteStarved(t: string, ctx: ParseContext, no: number): void {
  const m = STARVED.exec(t);
  if (m) ctx.records.rcuStarvedOn.push({ cpu: Number(m[1]), span: { line: no, endLine: no } });
  noteTimerMissed(t, ctx, no);
}

// rcu_check_gp_kthread_expired_fqs_timer (kernel/rcu/tree_stall.h, 5.9+): the GP kthread
// waits in RCU_GP_WAIT_FQS on a timer that expired long ago without waking it:
//   rcu: rcu_sched kthread timer wakeup didn't happen for 254299 jiffies! g8370033 f0x2 RCU_GP_WAIT_FQS(5) ->state=0x200
//   rcu: 	Possible timer handling issue on cpu=1 timer-softirq=2492648
// The kernel's own diagnosis: that CPU does not run its timers (timer softirq stuck or
// not raised); the kthread is not starved of CPU time but never woken.
const TIMER_MISSED = /^(rcu_\w{1,20}) kthread timer wakeup didn't happen for (\d{1,12}) jiffies!/;
const TIMER_CPU = /^Possible timer handling issue on cpu=(\d{1,5})/;

function noteTimerMissed(t: string, ctx: ParseContext, no: number): void {
  const m = TIMER_MISSED.exec(t);
  if (m) {
    ctx.records.rcuTimerMissed.push({
      kthread: m[1],
      jiffies: Number(m[2]),
      cpu: null,
      span: { line: no, endLine: no },
    });
    return;
  }
  const c = TIMER_CPU.exec(t);
  const last = ctx.records.rcuTimerMissed[ctx.records.rcuTimerMissed.length - 1];
  if (c && last && last.cpu === null && no - last.span.endLine <= 2) {
    last.cpu = Number(c[1]);
    last.span = { line: last.span.line, endLine: no };
  }
}

/** RCU detail lines printed apart from a report header (the starvation notice, dump headings). */
export const rcuDetailParser: FormatParser = {
  name: 'rcu_stall',
  startChars: 'r',
  starts(line) {
    return line.trimmed.startsWith('rcu: ') || line.trimmed.startsWith('rcu_');
  },
  parse(lines, i, ctx) {
    let j = i;
    for (; j < lines.length; j++) {
      const t = lines.trimmed(j).replace(RCU_PREFIX, '');
      if (!DETAIL.some((re) => re.test(t))) break;
      noteStarved(t, ctx, lines.no(j));
    }
    return j > i ? j : null;
  },
};

// RCU-tasks stall (kernel/rcu/tasks.h check_holdout_task, 5.8+; kernel/rcu/update.c
// before): after `INFO: rcu_tasks detected stalls on tasks:` each holdout task — one that
// has not done a voluntary context switch since the grace period began — is printed as
//   pr_alert("%p: %c%c nvcsw: %lu/%lu holdout: %d idle_cpu: %d/%d\n", t, …)
// followed by its sched_show_task() (task line, then stack). `%p` is a hashed pointer, or
// `(____ptrval____)` early after boot. The task line names the holdout.
const HOLDOUT =
  /^(?:[0-9a-f]{8,16}|\(_{2,8}ptrval_{2,8}\)): [.I][N.] nvcsw: \d{1,20}\/\d{1,20} holdout: \d{1,3} idle_cpu: -?\d{1,5}\/-?\d{1,5}$/;

export const rcuTasksHoldoutParser: FormatParser = {
  name: 'rcu_stall',
  starts(line) {
    return line.trimmed.includes(' nvcsw: ');
  },
  parse(lines, i, ctx) {
    if (!HOLDOUT.test(lines.trimmed(i))) return null;
    // The report it belongs to: the last RCU-tasks stall before it.
    const reports = ctx.records.reports;
    let report = null;
    for (let k = reports.length - 1; k >= 0 && k >= reports.length - 4; k--)
      if (reports[k].kind === 'rcu_stall' && reports[k].subtype === 'tasks') {
        report = reports[k];
        break;
      }
    // One line of look-ahead: the sched_show_task line right after it.
    const task = i + 1 < lines.length ? parseTaskLine(lines.trimmed(i + 1)) : null;
    if (report && task) {
      report.blockedPids ??= [];
      if (report.blockedPids.length < 64) report.blockedPids.push({ pid: task.pid, line: lines.no(i) });
    }
    return i + 1;
  },
};

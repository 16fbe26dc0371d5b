// Task dumps printed by `sched_show_task` (kernel/sched/core.c): for sysrq-w `Show
// Blocked State`, sysrq-t `Show State`, the hung-task detector, RCU's `Task dump for
// CPU N:` and the hung-task blocker hint. A task line, then `print_worker_info`'s
// `Workqueue: NAME FUNC` for kworkers, then `show_stack`'s trace.

import type { TaskState } from '../../contract.js';
import type { TaskRecord } from '../records.js';
import type { FormatParser, ParseContext } from '../parser.js';
import { span } from '../parser.js';
import type { Line } from '../../text/lines.js';
import { TRACE_HEADER, isTraceBodyLine, readTrace } from './call-trace.js';
import { announceCpu, takeAnnouncedCpu } from './state.js';

export interface TaskLine {
  comm: string;
  state: TaskState | null;
  pid: number;
  ppid: number | null;
  tgid?: number | null;
}

const STATE_CHARS = 'RSDTtXZPIWK';

/** `task_state_to_char` letters; `K` (wakekill, 3.x) and unknown ones map to null. */
function stateOf(c: string): TaskState | null {
  return STATE_CHARS.includes(c) && c !== 'K' ? (c as TaskState) : null;
}

// The task line layouts of `sched_show_task`, newest first. comm is `%-15.15s` in the
// old layouts, so it is cut to 15 characters and padded; it may hold spaces.
const TASK_LINES: { re: RegExp; build(m: RegExpExecArray): TaskLine; since: string }[] = [
  {
    // 5.10+: `task:systemd-udevd state:D stack:0 pid:611 ppid:583 flags:0x00004000`,
    // 6.x adds `tgid:`, 6.13 `task_flags:`; running tasks add `  running task    `.
    since: '5.10 pr_info("task:%-15.15s state:%c" …)',
    re: /^task:([\s\S]{1,15}?) {1,16}state:([A-Za-z])(?: {1,4}running task)? {1,8}stack: {0,6}\d{1,10} {1,8}pid: {0,6}(\d{1,10}) {1,8}(?:tgid: {0,6}(\d{1,10}) {1,8})?ppid: {0,6}(\d{1,10})(?: |$)/,
    build: (m) => ({ comm: m[1], state: stateOf(m[2]), pid: Number(m[3]), tgid: m[4] ? Number(m[4]) : null, ppid: Number(m[5]) }),
  },
  {
    // 4.x: `systemd-udevd   D    0   611    583 0x80004080` (free stack, pid, ppid, flags);
    // 3.x adds the saved PC: `bash            D ffff88003fc13680     0  1234   1200 0x00000000`;
    // running tasks print `  running task    ` in place of the PC.
    since: '3.x/4.x printk("%-15.15s %c" …) + "%5lu %5d %6d 0x%08lx"',
    // Some vendor kernels print `running task on cpu   0` and a trailing timestamp.
    re: /^([\s\S]{1,15}?) {1,16}([RSDTtXZPIWK])(?: {1,4}running task(?: on cpu {1,4}\d{1,5})? {0,4}| {1,2}[0-9a-f]{8,16})? {1,12}(\d{1,10}) {1,10}(\d{1,10}) {1,10}(\d{1,10}) 0x[0-9a-f]{8,16}(?: \d{1,24})?$/,
    build: (m) => ({ comm: m[1], state: stateOf(m[2]), pid: Number(m[4]), ppid: Number(m[5]) }),
  },
];

export function parseTaskLine(t: string): TaskLine | null {
  if (t.length < 10 || t.length > 300) return null;
  for (const row of TASK_LINES) {
    const m = row.re.exec(t);
    if (m) return row.build(m);
  }
  return null;
}

// `print_worker_info` (kernel/workqueue.c): `Workqueue: events work_for_cpu_fn`, with
// ` (desc)` when the worker's description differs from the workqueue name.
// `Workqueue: events foo_poll_work [foo]` (module of the work function), `… (events)` rescuer.
const WORKQUEUE = /^Workqueue: {1,2}(\S{1,64}) (\S{1,160}?)(?: \[[\w\-]{1,64}\])?(?: \(.{1,64}\))?$/;

export function parseWorkqueueLine(t: string): { wq: string; fn: string } | null {
  const m = WORKQUEUE.exec(t);
  return m ? { wq: m[1], fn: m[2] } : null;
}

/**
 * Read one `sched_show_task` dump at `i`: task line, optional Workqueue line, trace.
 * Returns the record (not yet pushed) and the index after it, or null if `i` is not a task line.
 */
export function readTaskDump(lines: Line[], i: number, format: string): { rec: TaskRecord; end: number } | null {
  let tl = parseTaskLine(lines[i].trimmed);
  let first = 1;
  // A comm with a newline in it splits the task line in two.
  if (!tl && i + 1 < lines.length && lines[i].trimmed.length < 24) {
    tl = parseTaskLine(lines[i].trimmed + '\n' + lines[i + 1].text);
    first = 2;
  }
  if (!tl) return null;
  const rec: TaskRecord = {
    pid: tl.pid,
    comm: tl.comm,
    state: tl.state,
    cpu: null,
    taskAddr: null,
    ppid: tl.ppid,
    tgid: tl.tgid ?? null,
    frames: [],
    span: span(lines, i, i + first),
    format,
  };
  let j = i + first;
  const wq = j < lines.length ? parseWorkqueueLine(lines[j].trimmed) : null;
  if (wq) {
    rec.workqueue = wq;
    j++;
  }
  if (j < lines.length && (TRACE_HEADER.test(lines[j].trimmed) || isTraceBodyLine(lines[j].trimmed))) {
    const tr = readTrace(lines, j);
    rec.frames = tr.frames;
    rec.frameLines = tr.frameLines;
    if (Object.keys(tr.registers).length) rec.registers = tr.registers;
    j = tr.end;
  }
  rec.span = span(lines, i, j);
  return { rec, end: j };
}

/** The parser for a bare `sched_show_task` dump (sysrq-w/-t, blocker hints, RCU dumps). */
export const taskDumpParser: FormatParser = {
  name: 'dmesg_task',
  starts(line) {
    const t = line.trimmed;
    return t.startsWith('task:') || / 0x[0-9a-f]{8,16}(?: \d{1,24})?$/.test(t);
  },
  parse(lines, i, ctx: ParseContext) {
    const r = readTaskDump(lines, i, 'dmesg_task');
    if (!r) return null;
    const cpu = takeAnnouncedCpu(ctx, i);
    if (cpu !== null) r.rec.cpu = cpu;
    ctx.records.addTask(r.rec);
    return r.end;
  },
};

// Headers of sysrq task dumps (`sysrq_handle_showstate_blocked` → `show_state_filter`):
// `sysrq: Show Blocked State` (`SysRq : Show Blocked State` before 5.x), the column
// header `  task                        PC stack   pid father`, and RCU's
// `Task dump for CPU 1:` (`rcu_dump_cpu_stacks`/`print_cpu_stall_info` callers).
const SYSRQ = /^(?:sysrq|SysRq) ?: (?:SysRq : )?(?:Show (?:Blocked )?State|Show backtrace of all active CPUs|Show Regs|Show Memory|Trigger a crash)\b|^task {4,40}PC {1,8}stack {1,6}pid father$/;
const TASK_DUMP_FOR_CPU = /^Task dump for CPU (\d{1,5}):$/;

export const sysrqHeaderParser: FormatParser = {
  name: 'dmesg_sysrq',
  starts(line) {
    const t = line.trimmed;
    return SYSRQ.test(t) || TASK_DUMP_FOR_CPU.test(t);
  },
  parse(lines, i, ctx) {
    let j = i;
    for (; j < lines.length && j - i < 4; j++) {
      const t = lines[j].trimmed;
      const m = TASK_DUMP_FOR_CPU.exec(t);
      if (m) {
        announceCpu(ctx, Number(m[1]), j + 1);
        continue;
      }
      if (!SYSRQ.test(t)) break;
    }
    return j > i ? j : null;
  },
};

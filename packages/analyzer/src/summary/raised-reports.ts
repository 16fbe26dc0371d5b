// A report raised while another report was being printed does not decide the text.
//
// A watchdog that fires prints a lot (every busy workqueue, every CPU's stack, every
// blocked task), and the printing itself can trip a second detector: lockdep sees the
// console lock taken under the workqueue pool lock inside show_workqueue_state, a soft
// lockup fires because a CPU spent seconds in the hung-task dump. That second report's
// own stack runs through the first watchdog's frame (knowledge/report-frames.ts:
// wq_watchdog_timer_fn, watchdog_timer_fn, print_cpu_stall, check_hung_task, …). It is
// about the reporting, not about what hung: when the first report is in the text before
// it, the kind is decided without it (it is still listed, summary/title.ts `others`).

import type { Kind } from '../contract.js';
import type { Records, ReportRecord, TaskRecord } from '../parse/records.js';
import { reportFrameOf } from '../knowledge/report-frames.js';

// How many lines after a report's own span its reporter's stack may begin: lockdep prints
// `stack backtrace:`, the `CPU: … PID: …` and `Hardware name:` lines, then `Call Trace:`.
const STACK_GAP = 16;

/**
 * The report kinds every report of which was raised inside the printing of an earlier
 * report of another kind (empty when none). `records.tasks` must still hold the tasks.
 */
export function raisedKinds(records: Pick<Records, 'reports' | 'tasks'>): ReadonlySet<Kind> {
  const reports = records.reports;
  if (reports.length < 2) return EMPTY;
  // The reporter pids of the reports that name one: only their stacks are looked at.
  const pids = new Set<number>();
  for (const r of reports) if (r.task?.pid != null) pids.add(r.task.pid);
  if (pids.size === 0) return EMPTY;
  const stacksOf = new Map<number, TaskRecord[]>();
  for (const t of records.tasks) {
    if (t.pid === null || !pids.has(t.pid) || t.frames.length === 0) continue;
    let list = stacksOf.get(t.pid);
    if (!list) stacksOf.set(t.pid, (list = []));
    list.push(t);
  }
  for (const list of stacksOf.values()) list.sort((a, b) => a.span.line - b.span.line);
  // The first line of each kind's first report.
  const firstLine = new Map<Kind, number>();
  for (const r of reports) {
    const at = firstLine.get(r.kind);
    if (at === undefined || r.span.line < at) firstLine.set(r.kind, r.span.line);
  }
  const raised = new Map<Kind, boolean>();
  for (const r of reports) {
    // One report of a kind not raised this way settles that kind: the rest are not read
    // (a text of thousands of hung-task reports asks once).
    if (raised.get(r.kind) === false) continue;
    const by = r.task?.pid != null ? raisedBy(r, stacksOf.get(r.task.pid)) : null;
    const earlier = by !== null && (firstLine.get(by) ?? Infinity) < r.span.line;
    raised.set(r.kind, earlier);
  }
  const out = new Set<Kind>();
  for (const [k, all] of raised) if (all) out.add(k);
  // Every kind raised by another cannot be: then none is set aside.
  return out.size === firstLine.size ? EMPTY : out;
}

const EMPTY: ReadonlySet<Kind> = new Set();

/**
 * The kind of another watchdog whose frame the report's own stack runs through, or null
 * (a soft lockup's stack holds its own watchdog_timer_fn: that one does not count).
 */
function raisedBy(r: ReportRecord, stacks: TaskRecord[] | undefined): Kind | null {
  if (!stacks) return null;
  // The reporter's stack: its first stack at or after the report's header, close to it
  // (the task's stacks are in text order: a binary search, not a walk from the first).
  let lo = 0;
  let hi = stacks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stacks[mid].span.line < r.span.line) lo = mid + 1;
    else hi = mid;
  }
  const stack = stacks[lo];
  if (!stack || stack.span.line > r.span.endLine + STACK_GAP) return null;
  for (const f of stack.frames) {
    const rf = reportFrameOf(f.fn);
    if (rf && rf.kind !== r.kind) return rf.kind;
  }
  return null;
}

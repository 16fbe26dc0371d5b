// The incident's kind, title and alternative titles.
//
// With a watchdog or lockdep report in the text, syzkaller's naming (title.ts) decides.
// Without one (a crash session, a sysrq dump, /proc stacks), the kind comes from the
// watchdog frames of a panic stack, else "blocked_tasks", and the title names the first
// frame of the main task that is not scheduler, locking or watchdog plumbing.

import type { Kind } from '../contract.js';
import { isHandlerDispatcher, isLockRelease } from '../knowledge/irq-frames.js';
import { isLoopLeaf } from '../knowledge/loop-leaves.js';
import { SPIN_HELPERS, isGenericFrame, matchWaitRule } from '../knowledge/waits.js';
import type { Model, ModelTask } from '../model/build.js';
import type { WatchdogStack } from '../model/watchdog-stacks.js';
import type { TaskWait } from '../waits/find.js';
import { taskContextFrames } from '../waits/find.js';
import type { LineTable } from '../text/lines.js';
import { computeTitle, decisiveKind } from './title.js';

const PREFIX: Record<Kind, string> = {
  hung_task: 'INFO: task hung in',
  soft_lockup: 'BUG: soft lockup in',
  hard_lockup: 'BUG: hard lockup in',
  rcu_stall: 'INFO: rcu detected stall in',
  deadlock: 'possible deadlock in',
  workqueue_lockup: 'BUG: workqueue lockup in',
  blocked_tasks: 'INFO: task hung in',
  unknown: '',
};

export interface Headline {
  kind: Kind;
  title: string;
  altTitles: string[];
  /** The task the title is about. */
  subject: ModelTask | null;
  titleFrame: string | null;
  /** The subject's own first meaningful frame, when it differs from the title's. */
  stackFrame?: string | null;
}

/**
 * Kind from report records and, failing that, from the watchdog frame of a panic stack
 * (model/watchdog-stacks.ts, which added its report when the model was built). Reads
 * the model only.
 */
export function detectKind(
  model: Model,
  fromStack: WatchdogStack | null,
  raised: ReadonlySet<Kind> = new Set(),
): { kind: Kind; cpu: number | null; task: ModelTask | null } {
  // The stack's report was added because no report of the text decides.
  if (fromStack) return fromStack;
  const reports = model.records.reports;
  // The report that stopped the machine decides (summary/title.ts decisiveKind); one
  // raised while another was printing does not (summary/raised-reports.ts).
  const present = reports.map((x) => x.kind);
  const deciding = present.filter((k) => !raised.has(k));
  const k = decisiveKind(deciding.length > 0 ? deciding : present, model.records.panic?.kind);
  if (k) {
    // Of that kind, a watchdog's own report before a CSD-lock timeout.
    const r = reports.find((x) => x.kind === k && x.subtype !== 'csd_lock') ?? reports.find((x) => x.kind === k);
    if (r) {
      const task = r.task
        ? (model.tasks.find(
            (t) =>
              (r.task!.pid !== null && t.pid === r.task!.pid) ||
              (r.task!.taskAddr !== null && t.taskAddr === r.task!.taskAddr),
          ) ?? null)
        : null;
      return { kind: k, cpu: r.cpu ?? null, task };
    }
  }
  // A busy-workqueue dump with no pool hung: busy workers, each a task running its work.
  if (model.tasks.some((t) => t.frames.length > 0 || t.state === 'D') || model.records.works.length > 0)
    return { kind: 'blocked_tasks', cpu: null, task: null };
  return { kind: 'unknown', cpu: null, task: null };
}

/**
 * First frame that says what the task was doing: not plumbing, not a lock primitive, not
 * the delay or search helper a loop calls. The idle task on a CPU reported stuck is stuck
 * in the interrupt on top of its idle loop: that handler's frames are read first.
 */
export function titleFrame(t: ModelTask, onStuckCpu = false): string | null {
  // The idle task's own frames are the idle loop: a stuck CPU running it is stuck in the
  // interrupt it took there.
  if (onStuckCpu && t.idle) {
    const handler = meaningful(t.frames.filter((f) => f.context === 'irq'));
    if (handler) return handler;
  }
  const own = meaningful(taskContextFrames(t));
  // A stuck CPU whose stack is only an interrupt section (`<IRQ>` … `</IRQ>`, the task's
  // own frames cut): it is stuck in the handler a dispatcher runs there, not in the task
  // it interrupted.
  if (own || !onStuckCpu) return own;
  return dispatchedHandler(t.frames.filter((f) => f.context === 'irq'));
}

/**
 * The handler an interrupt section runs: the frame a dispatcher (call_timer_fn,
 * tasklet_action_common …) called. None when the section is the report's own (the
 * watchdog's timer, a backtrace printer inside it).
 */
function dispatchedHandler(frames: readonly { fn: string; reliable: boolean }[]): string | null {
  for (let k = 1; k < frames.length; k++) {
    if (!isHandlerDispatcher(frames[k].fn)) continue;
    for (let j = 0; j < k; j++) if (isGenericFrame(frames[j].fn)) return null;
    return frames[k - 1].reliable ? frames[k - 1].fn : null;
  }
  return null;
}

function meaningful(frames: readonly { fn: string; reliable: boolean; context?: string }[]): string | null {
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k];
    if (!f.reliable || isGenericFrame(f.fn) || SPIN_HELPERS.test(f.fn) || isLoopLeaf(f.fn)) continue;
    // The unlock the interrupt came in at (the CPU ran its caller with interrupts off):
    // the caller, when it is the task's own code, says where.
    if (k === 0 && isLockRelease(f.fn) && frames[1] && frames[1].context === undefined) continue;
    const rule = matchWaitRule(f.fn);
    if (
      rule &&
      (rule.kind === 'lock' || rule.kind === 'completion' || rule.kind === 'poll_sleep' || rule.kind === 'event')
    )
      continue;
    return f.fn;
  }
  return null;
}

export type ReportTitle = ReturnType<typeof computeTitle>;

/** syzkaller-style title of the first report in the text (reads the lines once). */
export function reportTitle(
  lines: LineTable,
  model: { records: Model['records'] },
  raised?: ReadonlySet<Kind>,
): ReportTitle {
  return computeTitle(lines, model.records, raised);
}

export function headline(
  fromReport: ReportTitle,
  model: Model,
  waits: Map<string, TaskWait>,
  det: ReturnType<typeof detectKind>,
): Headline {
  let subject = det.task;
  // A hard-lockup report names the CPU only (the NMI watchdog, another CPU's detector):
  // the report is about what that CPU runs.
  if (!subject && det.kind === 'hard_lockup' && det.cpu !== null) {
    const current = model.cpus.get(det.cpu)?.current;
    const t = current ? model.taskById.get(current) : undefined;
    if (t && titleFrame(t, model.cpus.get(det.cpu)?.stuck === true)) subject = t;
  }
  if (!subject) {
    // The first blocked task with a stack, in text order.
    subject =
      model.tasks.find((t) => t.frames.length > 0 && (t.state === 'D' || waits.has(t.id))) ??
      model.tasks.find((t) => t.frames.length > 0) ??
      null;
  }
  const frame = subject
    ? titleFrame(subject, subject.cpu !== null && model.cpus.get(subject.cpu)?.stuck === true)
    : null;
  if (fromReport) {
    // The report's own guilty frame (syzkaller's rule) names it everywhere, verdict included.
    const named = / in ([^\s]+)$/.exec(fromReport.title)?.[1] ?? frame;
    return {
      kind: fromReport.kind,
      title: fromReport.title,
      altTitles: fromReport.altTitles,
      subject,
      titleFrame: named,
      stackFrame: frame !== named ? frame : null,
    };
  }
  const kind = det.kind;
  if (kind === 'unknown')
    return { kind, title: 'No kernel capture recognised', altTitles: [], subject: null, titleFrame: null };
  const title = frame
    ? `${PREFIX[kind]} ${frame}`
    : kind === 'blocked_tasks'
      ? 'Blocked tasks'
      : PREFIX[kind].replace(/ in$/, '');
  const altTitles = frame ? [`hang in ${frame}`, `stall in ${frame}`].filter((a) => a !== title) : [];
  return { kind, title, altTitles, subject, titleFrame: frame };
}

// Two captures of one hang side by side (or two incidents): which tasks are stuck (the
// same stack in both), which moved (another stack: slow, but alive), which locks changed
// owner, which CPUs are still stuck. A task that shows the same stack in two captures
// minutes apart is the strongest sign a capture can give that it is hung; one whose stack
// changed is making progress, however slowly. Pure: two documents in, one diff out.

import type {
  AnalysisDiff,
  AnalysisDocument,
  CpuDiff,
  Frame,
  LockDiff,
  Task,
  TaskChange,
  TaskDiff,
} from '../contract.js';
import { isGenericFrame } from '../knowledge/waits.js';

/** Tasks listed at most (the counts cover all of them). */
const DEFAULT_LIMIT = 500;

/**
 * A stack as two captures of the same kernel can be compared: reliable frames only, no
 * scheduler frames (a dmesg trace prints __schedule and schedule, /proc/PID/stack starts
 * at the caller of schedule on some kernels) and no compiler suffixes (.isra.5).
 */
export const stackKey = (t: { readonly frames: readonly Frame[] }) =>
  t.frames
    .filter((f) => f.reliable !== false && !isGenericFrame(f.fn))
    .map((f) => f.fn.replace(/(?:\.(?:isra|constprop|part|cold|localalias)(?:\.\d{1,6})?)+$/, ''))
    .join(' ');
const where = (t: Task | undefined) => (t ? (t.waitFrame ?? t.frames[0]?.fn ?? null) : null);
const ORDER: Record<TaskChange, number> = { stuck: 0, moved: 1, gone: 2, new: 3 };

export function diffAnalyses(a: AnalysisDocument, b: AnalysisDocument, limit = DEFAULT_LIMIT): AnalysisDiff {
  const withStack = (d: AnalysisDocument) => new Map(d.tasks.filter((t) => t.frames.length > 0).map((t) => [t.id, t]));
  const ta = withStack(a);
  const tb = withStack(b);
  const counts: Record<TaskChange, number> = { stuck: 0, moved: 0, gone: 0, new: 0 };
  const tasks: TaskDiff[] = [];
  const add = (id: string, x: Task | undefined, y: Task | undefined, change: TaskChange) => {
    counts[change]++;
    const t = (y ?? x)!;
    tasks.push({
      id,
      pid: t.pid,
      comm: t.comm,
      change,
      stateA: x?.state ?? null,
      stateB: y?.state ?? null,
      atA: where(x),
      atB: where(y),
    });
  };
  for (const [id, x] of ta) {
    const y = tb.get(id);
    // Idle tasks (pid 0) sit in the same loop on every healthy CPU: not a hang.
    if (x.pid === 0) continue;
    if (!y) add(id, x, undefined, 'gone');
    else add(id, x, y, stackKey(x) === stackKey(y) ? 'stuck' : 'moved');
  }
  for (const [id, y] of tb) if (!ta.has(id) && y.pid !== 0) add(id, undefined, y, 'new');
  // Blocked (D) tasks first within each kind: they are what a hang is made of.
  const blocked = (t: TaskDiff) => (t.stateB === 'D' || t.stateA === 'D' ? 0 : 1);
  tasks.sort((p, q) => ORDER[p.change] - ORDER[q.change] || blocked(p) - blocked(q) || (p.pid ?? 0) - (q.pid ?? 0));

  const lb = new Map(b.locks.map((l) => [l.id, l]));
  const locks: LockDiff[] = [];
  for (const l of a.locks) {
    const m = lb.get(l.id);
    if (!m || m.owner === l.owner) continue;
    locks.push({
      id: l.id,
      name: m.name ?? l.name,
      ownerA: l.owner,
      ownerB: m.owner,
      waitersA: l.waiters.length,
      waitersB: m.waiters.length,
    });
  }

  const cb = new Map(b.cpus.map((c) => [c.cpu, c]));
  const cpus: CpuDiff[] = [];
  for (const c of a.cpus) {
    const d = cb.get(c.cpu);
    if (c.stuck && d?.stuck)
      cpus.push({ cpu: c.cpu, change: 'still_stuck', reasonA: c.stuckReason ?? null, reasonB: d.stuckReason ?? null });
    else if (c.stuck && d && !d.stuck)
      cpus.push({ cpu: c.cpu, change: 'recovered', reasonA: c.stuckReason ?? null, reasonB: null });
  }
  const ca = new Map(a.cpus.map((c) => [c.cpu, c]));
  for (const d of b.cpus)
    if (d.stuck && !ca.get(d.cpu)?.stuck)
      cpus.push({ cpu: d.cpu, change: 'newly_stuck', reasonA: null, reasonB: d.stuckReason ?? null });
  cpus.sort((p, q) => p.cpu - q.cpu);

  return { counts, tasks: tasks.slice(0, limit), locks, cpus, summary: summarize(counts, tasks, locks, cpus) };
}

const name = (t: TaskDiff) =>
  t.comm && t.pid !== null ? `${t.comm} (${t.pid})` : t.pid !== null ? `pid ${t.pid}` : (t.comm ?? t.id);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function summarize(counts: Record<TaskChange, number>, tasks: TaskDiff[], locks: LockDiff[], cpus: CpuDiff[]): string {
  const parts: string[] = [];
  const both = counts.stuck + counts.moved;
  if (both === 0) parts.push('No task has a stack in both captures.');
  else {
    const stuck = tasks.filter((t) => t.change === 'stuck').slice(0, 3);
    parts.push(
      counts.stuck === 0
        ? `Every one of the ${plural(both, 'task', 'tasks')} seen in both moved: nothing is stuck on the same stack.`
        : `${plural(counts.stuck, 'task has', 'tasks have')} the same stack in both captures (stuck${stuck.length ? `: ${stuck.map((t) => `${name(t)} in ${t.atB ?? '?'}`).join(', ')}` : ''}${counts.stuck > stuck.length ? ', …' : ''}); ${plural(counts.moved, 'task', 'tasks')} moved.`,
    );
  }
  if (counts.new) parts.push(`${plural(counts.new, 'task is', 'tasks are')} seen only in the second.`);
  if (counts.gone) parts.push(`${plural(counts.gone, 'task is', 'tasks are')} no longer seen.`);
  if (locks.length) parts.push(`${plural(locks.length, 'lock changed', 'locks changed')} owner.`);
  const still = cpus.filter((c) => c.change === 'still_stuck').map((c) => c.cpu);
  if (still.length) parts.push(`CPU${still.length === 1 ? '' : 's'} ${still.join(', ')} still stuck.`);
  const recovered = cpus.filter((c) => c.change === 'recovered').map((c) => c.cpu);
  if (recovered.length) parts.push(`CPU${recovered.length === 1 ? '' : 's'} ${recovered.join(', ')} no longer stuck.`);
  const newly = cpus.filter((c) => c.change === 'newly_stuck').map((c) => c.cpu);
  if (newly.length) parts.push(`CPU${newly.length === 1 ? '' : 's'} ${newly.join(', ')} stuck only in the second.`);
  return parts.join(' ');
}

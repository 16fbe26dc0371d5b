import type { Task } from '@hangscope/analyzer';
import { isGenericFrame } from './genericFrames';

export interface TaskGroup {
  key: string;
  tasks: Task[];
  states: string[];
  /** "comm (pid)" per task, in input order. */
  comms: string[];
  /** Up to three interesting frames, innermost first. */
  top: string[];
}

export type SortKey = 'count' | 'state' | 'comm' | 'top';

/** Identical = same function names in the same order; offsets differ across builds. */
export function stackKey(t: Task): string {
  return t.frames.map((f) => f.fn).join('<');
}

export function groupTasksByStack(tasks: readonly Task[]): TaskGroup[] {
  const groups = new Map<string, TaskGroup>();
  for (const t of tasks) {
    // Tasks without frames are not "identical" to each other in any useful sense.
    const key = t.frames.length ? stackKey(t) : `nostack:${t.id}`;
    let g = groups.get(key);
    if (!g) {
      const interesting = t.frames.filter((f) => !isGenericFrame(f.fn)).map((f) => f.fn);
      g = { key, tasks: [], states: [], comms: [], top: interesting.slice(0, 3) };
      groups.set(key, g);
    }
    g.tasks.push(t);
    const state = t.state ?? '?';
    if (!g.states.includes(state)) g.states.push(state);
    g.comms.push(`${t.comm ?? '?'} (${t.pid ?? t.id})`);
  }
  return [...groups.values()];
}

export function sortGroups(groups: readonly TaskGroup[], key: SortKey, desc: boolean): TaskGroup[] {
  const value = (g: TaskGroup): string | number =>
    key === 'count' ? g.tasks.length : key === 'state' ? g.states.join('') : key === 'comm' ? g.comms[0] ?? '' : g.top.join('<');
  const sorted = [...groups].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c !== 0 ? c : a.key.localeCompare(b.key);
  });
  return desc ? sorted.reverse() : sorted;
}

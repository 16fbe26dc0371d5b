// Rows of the tasks table: all tasks with the same function sequence (the server groups
// them, GET …/view), so "500 tasks in mutex_lock from the same path" reads as one row.
import type { TaskGroupSummary } from '../api/types';

export interface TaskGroup {
  key: string;
  count: number;
  states: string[];
  /** "comm (pid)" of the first few tasks, in input order. */
  comms: string[];
  /** Up to three interesting frames, innermost first. */
  top: string[];
  /** A task of the group that is in the graph. */
  node: string | null;
}

export type SortKey = 'count' | 'state' | 'comm' | 'top';

export function toTaskGroup(s: TaskGroupSummary): TaskGroup {
  return {
    key: s.key,
    count: s.count,
    states: s.states,
    comms: s.comms,
    node: s.node,
    top: s.fns.filter((_fn, i) => !s.generic?.includes(i)).slice(0, 3),
  };
}

export function sortGroups(groups: readonly TaskGroup[], key: SortKey, desc: boolean): TaskGroup[] {
  const value = (g: TaskGroup): string | number =>
    key === 'count'
      ? g.count
      : key === 'state'
        ? g.states.join('')
        : key === 'comm'
          ? (g.comms[0] ?? '')
          : g.top.join('<');
  const sorted = [...groups].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c !== 0 ? c : a.key.localeCompare(b.key);
  });
  return desc ? sorted.reverse() : sorted;
}

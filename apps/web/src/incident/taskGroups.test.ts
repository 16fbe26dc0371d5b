import { describe, expect, it } from 'vitest';
import type { Task } from '@hangscope/analyzer';
import { groupTasksByStack, sortGroups } from './taskGroups';

const frame = (fn: string) => ({ fn, offset: null, size: null, module: null, addr: null, reliable: true });
const task = (pid: number, comm: string, fns: string[], state: Task['state'] = 'D'): Task => ({
  id: `task:${pid}`,
  pid,
  comm,
  state,
  cpu: null,
  taskAddr: null,
  frames: fns.map(frame),
  evidence: [],
});

describe('groupTasksByStack', () => {
  const tasks = [
    task(1, 'a', ['__schedule', 'schedule', 'mutex_lock', 'do_x']),
    task(2, 'b', ['__schedule', 'schedule', 'mutex_lock', 'do_x']),
    task(3, 'c', ['__schedule', 'schedule', 'io_schedule', 'wait_on_page']),
    task(4, 'd', []),
    task(5, 'e', []),
  ];

  it('groups identical stacks and keeps stackless tasks apart', () => {
    const g = groupTasksByStack(tasks);
    expect(g.map((x) => x.tasks.length)).toEqual([2, 1, 1, 1]);
    expect(g[0].comms).toEqual(['a (1)', 'b (2)']);
    expect(g[0].top).toEqual(['mutex_lock', 'do_x']);
  });

  it('sorts by count, biggest first', () => {
    const s = sortGroups(groupTasksByStack(tasks), 'count', true);
    expect(s[0].tasks.length).toBe(2);
  });
});

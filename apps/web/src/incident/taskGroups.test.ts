import { describe, expect, it } from 'vitest';
import type { TaskGroupSummary } from '../api/types';
import { sortGroups, toTaskGroup } from './taskGroups';

// `generic`: the indexes of the frames the analyzer marked generic (the server's view).
const summary = (
  key: string,
  count: number,
  fns: string[],
  comms: string[],
  states = ['D'],
  generic: number[] = [],
): TaskGroupSummary => ({ key, count, states, comms, fns, generic, node: null });

describe('task groups', () => {
  const groups = [
    summary('a', 1, ['__schedule', 'schedule', 'io_schedule', 'wait_on_page'], ['c (3)'], ['D'], [0, 1, 2]),
    summary(
      'b',
      2,
      ['__schedule', 'schedule', 'mutex_lock', 'do_x', 'do_y', 'do_z'],
      ['a (1)', 'b (2)'],
      ['D'],
      [0, 1],
    ),
    summary('nostack:task:4', 1, [], ['d (4)'], ['S']),
  ].map(toTaskGroup);

  it("names a group by its first interesting frames (the analyzer's generic frames left out)", () => {
    expect(groups[1].top).toEqual(['mutex_lock', 'do_x', 'do_y']);
    expect(groups[0].top).toEqual(['wait_on_page']);
    expect(groups[2].top).toEqual([]);
  });

  it('sorts by count, biggest first, and by any column', () => {
    expect(sortGroups(groups, 'count', true)[0].key).toBe('b');
    expect(sortGroups(groups, 'comm', false).map((g) => g.key)).toEqual(['b', 'a', 'nostack:task:4']);
    expect(sortGroups(groups, 'state', true)[0].key).toBe('nostack:task:4');
  });
});

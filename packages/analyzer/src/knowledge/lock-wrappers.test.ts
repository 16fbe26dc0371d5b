import { describe, expect, it } from 'vitest';
import { lockTakenBy } from './lock-wrappers.js';

describe('lockTakenBy', () => {
  it('names cgroup_mutex for its wrappers and the functions that take it inline', () => {
    for (const fn of ['cgroup_lock', 'cgroup_lock_live_group', 'cgroup_show_options', 'mem_cgroup_get_first_node'])
      expect(lockTakenBy(fn)?.name, fn).toBe('cgroup_mutex');
  });

  it('knows nothing of a function that takes no well-known lock', () => {
    expect(lockTakenBy('mem_cgroup_charge_common')).toBeUndefined();
  });
});

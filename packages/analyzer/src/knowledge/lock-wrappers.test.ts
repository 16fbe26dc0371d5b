import { describe, expect, it } from 'vitest';
import { lockTakenBy } from './lock-wrappers.js';

describe('lockTakenBy', () => {
  it('names cgroup_mutex for its wrappers and the functions that take it inline', () => {
    for (const fn of ['cgroup_lock', 'cgroup_lock_live_group', 'cgroup_show_options', 'mem_cgroup_get_first_node'])
      expect(lockTakenBy(fn)?.name, fn).toBe('cgroup_mutex');
  });

  it('names the CMA mutex, an i2c adapter bus lock and the FAT s_lock by their lockdep classes', () => {
    expect(lockTakenBy('cma_alloc')?.name).toBe('cma_mutex');
    expect(lockTakenBy('i2c_adapter_lock_bus')).toMatchObject({ name: 'i2c_register_adapter', perObject: true });
    for (const fn of ['vfat_mkdir', 'msdos_rename', 'fat_write_inode'])
      expect(lockTakenBy(fn)).toMatchObject({ name: '&sbi->s_lock', perObject: true });
  });

  it('knows nothing of a function that takes no well-known lock', () => {
    expect(lockTakenBy('mem_cgroup_charge_common')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { lockKeyInWords, proseName } from './names.js';

describe('lock names in prose', () => {
  it('says whose mmap_lock it is, and that a grouping by name is a guess', () => {
    expect(lockKeyInWords('lock:mmap_lock@tgid:4242')).toBe('the mmap_lock of process 4242');
    expect(lockKeyInWords('lock:mmap_lock@comm:nginx')).toBe(
      'the mmap_lock of the nginx processes (grouped by name: a guess)',
    );
    expect(lockKeyInWords('lock:mmap_lock@comm:kworker/u16:3')).toBe(
      'the mmap_lock of the kworker/u16:3 processes (grouped by name: a guess)',
    );
    expect(lockKeyInWords('lock:mmap_lock@comm:task:@ffff8880a1b2c3d4')).toBe(
      "the mmap_lock of task @ffff8880a1b2c3d4's process",
    );
  });

  it('names an anonymous per-site lock by its type and the function that takes it', () => {
    expect(lockKeyInWords('lock:mutex@device_release_driver_internal')).toBe(
      'a mutex taken in device_release_driver_internal (address not in the dump)',
    );
    expect(lockKeyInWords('lock:rwsem@btrfs_read_lock_root_node')).toBe(
      'an rwsem taken in btrfs_read_lock_root_node (address not in the dump)',
    );
    expect(lockKeyInWords('lock:lock@foo.isra.0')).toBe('a lock taken in foo.isra.0 (address not in the dump)');
    // A stack cut right after the slow path: the slow path is no call site.
    expect(lockKeyInWords('lock:rwsem@rwsem_down_write_failed~14291')).toBe(
      'an rwsem whose taker is not shown (the stack ends at rwsem_down_write_failed; address not in the dump)',
    );
  });

  it('leaves addresses, lockdep class names and other nodes to their label', () => {
    expect(lockKeyInWords('lock:ffff880035acf1e0')).toBeNull();
    expect(lockKeyInWords('lock:&dev->mutex')).toBeNull();
    expect(lockKeyInWords('lock:rtnl_mutex')).toBeNull();
    // An '@' in a class name that is not one of the graph's keys.
    expect(lockKeyInWords('lock:foo@bar baz')).toBeNull();
    expect(lockKeyInWords('task:12')).toBeNull();
    expect(proseName('lock:ffff880035acf1e0', 'mutex ffff880035acf1e0 &dev->mutex')).toBe(
      'mutex ffff880035acf1e0 &dev->mutex',
    );
    expect(proseName('cpu:3', undefined)).toBe('cpu:3');
  });
});

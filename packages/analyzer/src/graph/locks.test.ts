// Lock resolution rules, each on a minimal dump in the kernel's own format.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'dmesg', name), 'utf8');

describe('resolveLocks', () => {
  it('a task blocked where lockdep shows the lock was taken waits for that lock (likely)', () => {
    const d = analyze(fixture('held-lock-site-owner.txt'));
    const l = d.locks.find((x) => x.id === 'lock:ffff8881052a5e10')!;
    expect(l.owner).toBe('task:99');
    expect(l.type).toBe('mutex');
    const e = d.graph.edges.find((x) => x.from === 'task:101' && x.to === l.id)!;
    expect(e.kind).toBe('waits_lock');
    expect(e.confidence).toBe('likely');
  });

  it('the last held lock taken at the blocking site is the one being acquired, not held', () => {
    const text = [
      'INFO: task rm:8830 blocked for more than 120 seconds.',
      'task:rm              state:D stack:0     pid:8830  ppid:1      flags:0x00000000',
      'Call Trace:',
      ' __schedule+0x24e/0x590',
      ' schedule+0x69/0x110',
      ' rwsem_down_write_slowpath+0x308/0x5c0',
      ' down_write+0x2b/0x40',
      ' do_unlinkat+0x13c/0x2f0',
      'Showing all locks held in the system:',
      '1 lock held by find/8812:',
      ' #0: 0000000036f1c2aa (&type->i_mutex_dir_key#4){++++}, at: iterate_dir+0x53/0x1c0',
      '2 locks held by rm/8830:',
      ' #0: 00000000b3e8a1d7 (sb_writers#3){.+.+}, at: mnt_want_write+0x20/0x50',
      ' #1: 0000000036f1c2aa (&type->i_mutex_dir_key#4/1){+.+.}, at: do_unlinkat+0x13c/0x2f0',
    ].join('\n');
    const d = analyze(text);
    const l = d.locks.find((x) => x.id === 'lock:0000000036f1c2aa')!;
    expect(l.owner).toBe('task:8812');
    expect(l.waiters).toEqual(['task:8830']);
    expect(d.locks.find((x) => x.id === 'lock:00000000b3e8a1d7')?.owner ?? 'task:8830').toBe('task:8830');
  });

  it('a mutex owner field with flag bits names the owner once the bits are masked; a mutex_waiter names the waiter', () => {
    const text = [
      'crash> ps',
      '   4790      2   1  ffff88003570de20  UN   0.0       0      0  [kworker/1:2]',
      '   5001      1   0  ffff88003570e000  UN   0.0       0      0  [waiter]',
      'crash> struct mutex ffff880035acf1e0',
      'struct mutex {',
      '  owner = {',
      '    counter = 0xffff88003570de23',
      '  },',
      '  wait_list = {',
      '    next = 0xffff8800506d3b50,',
      '    prev = 0xffff8800506d3b50',
      '  }',
      '}',
      'crash> mutex_waiter 0xffff8800506d3b50',
      'struct mutex_waiter {',
      '  list = {',
      '    next = 0xffff880035acf1e8,',
      '    prev = 0xffff880035acf1e8',
      '  },',
      '  task = 0xffff88003570e000',
      '}',
    ].join('\n');
    const d = analyze(text);
    const l = d.locks.find((x) => x.id === 'lock:ffff880035acf1e0')!;
    expect(l.owner).toBe('task:4790');
    expect(l.ownerConfidence).toBe('certain');
    expect(l.waiters).toEqual(['task:5001']);
  });

  it('a btrfs extent_buffer dump names its write holder by pid (lock_owner), fields cut with ...', () => {
    const text = [
      'crash> bt 5063',
      'PID: 5063   TASK: ffff8881ca254000  CPU: 0   COMMAND: "fsstress"',
      ' #0 [ffffc90007d46fd8] __schedule at ffffffff8260da25',
      ' #1 [ffffc90007d470e0] schedule at ffffffff8260f247',
      ' #2 [ffffc90007d47110] rwsem_down_read_slowpath at ffffffff82619b9d',
      ' #3 [ffffc90007d47318] down_read_nested at ffffffff81264da4',
      ' #4 [ffffc90007d47368] btrfs_read_lock_root_node at ffffffffa02b5007 [btrfs]',
      ' #5 [ffffc90007d47390] btrfs_search_slot at ffffffffa01a181b [btrfs]',
      '    ffffc90007d47320: [ffff88811a30bc20:btrfs_extent_buffer] 0000000000000000',
      'crash> struct extent_buffer ffff88811a30bc20',
      'struct extent_buffer {',
      '  start = 1803321344,',
      '...',
      '  lock_owner = 5065,',
      '...',
      'crash> bt 5065',
      'PID: 5065   TASK: ffff88812a7f0000  CPU: 1   COMMAND: "fsstress"',
      ' #0 [ffffc90007d66ab0] __schedule at ffffffff8260da25',
      ' #1 [ffffc90007d66be8] btrfs_chunk_alloc at ffffffffa03cd50a [btrfs]',
    ].join('\n');
    const d = analyze(text);
    const held = d.graph.edges.find((e) => e.kind === 'held_by' && e.from === 'lock:ffff88811a30bc20')!;
    expect([held.to, held.confidence]).toEqual(['task:5065', 'certain']);
    expect(held.evidence).toEqual([{ line: 11, endLine: 14 }]);
    expect(d.graph.edges).toContainEqual(expect.objectContaining({ from: 'task:5063', to: 'lock:ffff88811a30bc20', kind: 'waits_lock' }));
  });
});

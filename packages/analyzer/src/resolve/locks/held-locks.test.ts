// Step 3 (held locks): lockdep's "N locks held by" lists.
import { describe, expect, it } from 'vitest';
import { lockTableOf, ownerOf, waitersOf } from '../../testing/lock-table.js';
import { fromHeldLocks } from './held-locks.js';

const TEXT = [
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

describe('fromHeldLocks', () => {
  it("a blocked task's last entry taken at its blocking site is the lock it waits for; others hold theirs", () => {
    const { table, waits } = lockTableOf(TEXT);
    fromHeldLocks(table, waits);
    expect(waitersOf(table, '0000000036f1c2aa')).toEqual([{ task: 'task:8830', confidence: 'likely' }]);
    expect(ownerOf(table, '0000000036f1c2aa')).toEqual({ task: 'task:8812', confidence: 'certain' });
  });

  it('a lock nobody waits for is set aside, and made with its holder when asked for', () => {
    const { table, waits } = lockTableOf(TEXT);
    fromHeldLocks(table, waits);
    expect(table.existing('00000000b3e8a1d7', null)).toBeUndefined();
    expect(table.byAddr('00000000b3e8a1d7')!.owner).toMatchObject({ task: 'task:8830', confidence: 'certain' });
  });

  it('without the blocked task every entry is held', () => {
    const { table, waits } = lockTableOf(TEXT.split('\n').slice(8).join('\n'));
    fromHeldLocks(table, waits);
    const l = table.byAddr('0000000036f1c2aa')!;
    expect(l.owner?.task).toBe('task:8812');
    expect(l.coOwners.map((c) => c.task)).toEqual(['task:8830']);
    expect(l.waiters.size).toBe(0);
  });
});

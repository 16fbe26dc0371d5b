// Steps 3b and 3c: lockdep's dependency chains, as waits of tasks blocked at a chain's
// call site and as lock → lock order links.
import { describe, expect, it } from 'vitest';
import { taskDump } from '../../testing/task-dump.js';
import { lockTableOf, ownerOf, waitersOf } from '../../testing/lock-table.js';
import { lockOrderFromChains, waitersFromLockdepChains } from './lockdep-chains.js';

// print_circular_bug's chain (5.x): #1 was taken at foo_ioctl while #0 was held.
const REPORT = `======================================================
WARNING: possible circular locking dependency detected
5.15.0 #1 Not tainted
------------------------------------------------------
a.out/300 is trying to acquire lock:
ffff888100a3c0a8 (&dev->lock){+.+.}-{3:3}, at: bar_read+0x20/0x90

but task is already holding lock:
ffff888100b00010 (&dev->cfg_mutex){+.+.}-{3:3}, at: foo_ioctl+0x10/0x50

which lock already depends on the new lock.

the existing dependency chain (in reverse order) is:

-> #1 (&dev->cfg_mutex){+.+.}-{3:3}:
       __mutex_lock+0x9d/0x920
       foo_ioctl+0x10/0x50
       __x64_sys_ioctl+0x8a/0xc0

-> #0 (&dev->lock){+.+.}-{3:3}:
       __lock_acquire+0x1245/0x2000
       __mutex_lock+0x9d/0x920
       bar_read+0x20/0x90
       vfs_read+0x9b/0x180
`;

const BLOCKED_IN_FOO = taskDump('tool', 400, 'D', [
  '__schedule+0x3f6/0xa40',
  'schedule+0x5b/0xd0',
  'schedule_preempt_disabled+0x15/0x30',
  '__mutex_lock.constprop.0+0x3a4/0x6f0',
  'foo_ioctl+0x10/0x50',
  '__x64_sys_ioctl+0x8a/0xc0',
]);

describe('waitersFromLockdepChains', () => {
  it('a task blocked where the chain took lock #1 waits for #1 and holds #0 (likely)', () => {
    const { table, waits } = lockTableOf(REPORT + BLOCKED_IN_FOO);
    waitersFromLockdepChains(table, waits);
    expect(waitersOf(table, '&dev->cfg_mutex')).toEqual([{ task: 'task:400', confidence: 'likely' }]);
    expect(ownerOf(table, '&dev->lock')).toEqual({ task: 'task:400', confidence: 'likely' });
  });

  it('a task blocked elsewhere is no part of the chain', () => {
    const { table, waits } = lockTableOf(REPORT + BLOCKED_IN_FOO.replace(/foo_ioctl/g, 'baz_ioctl'));
    waitersFromLockdepChains(table, waits);
    expect(table.waiting.size).toBe(0);
    expect(table.locks).toEqual([]);
  });
});

describe('lockOrderFromChains', () => {
  it('each lock of the cycle was taken while the one before it was held: both links, once', () => {
    const { table } = lockTableOf(REPORT);
    lockOrderFromChains(table);
    lockOrderFromChains(table);
    const order = table.locks.flatMap((l) => l.takenWhileHeld.map((o) => `${l.name} -> ${o.lock.name}`));
    expect(order.sort()).toEqual(['&dev->cfg_mutex -> &dev->lock', '&dev->lock -> &dev->cfg_mutex']);
  });
});

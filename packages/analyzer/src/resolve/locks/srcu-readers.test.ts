// Step 3f: a task in synchronize_srcu waits for the tasks lockdep shows holding the read
// side of the srcu_struct its caller passes.
import { describe, expect, it } from 'vitest';
import { lockTableOf, ownerOf, waitersOf } from '../../testing/lock-table.js';
import { fromHeldLocks } from './held-locks.js';
import { waitersForSrcu } from './srcu-readers.js';

// A dm suspend waiting for a leaked read side (the shape of 5.9's report, trimmed).
const text = (held: string, caller = '__dm_suspend') => `WARNING: lock held when returning to user space!
------------------------------------------------
lvm/1318 is leaving the kernel with locks still held!
1 lock held by lvm/1318:
 #0: ffff9372abb5a340 (${held}){....}-{0:0}, at: dm_get_live_table+0x5/0xb0 [dm_mod]

INFO: task lvm:1344 blocked for more than 122 seconds.
task:lvm             state:D stack:    0 pid: 1344 ppid:     1 flags:0x00004000
Call Trace:
 __schedule+0x45f/0xa80
 schedule+0x5f/0xd0
 schedule_timeout+0x212/0x2a0
 wait_for_completion+0xb0/0x110
 __synchronize_srcu+0xd1/0x160
 ${caller}+0x6d/0x210 [dm_mod]
 dm_suspend+0xf6/0x140 [dm_mod]
`;

const run = (t: string) => {
  const { table, waits } = lockTableOf(t);
  fromHeldLocks(table, waits);
  waitersForSrcu(table, waits);
  return table;
};

describe('waitersForSrcu', () => {
  it('ties a synchronize_srcu caller to the held read side of its srcu_struct', () => {
    const table = run(text('&md->io_barrier'));
    expect(waitersOf(table, 'ffff9372abb5a340')).toEqual([{ task: 'task:1344', confidence: 'likely' }]);
    expect(ownerOf(table, 'ffff9372abb5a340')).toEqual({ task: 'task:1318', confidence: 'certain' });
  });

  it('leaves a read side of another srcu_struct alone', () => {
    const table = run(text('&kvm->srcu'));
    expect(waitersOf(table, 'ffff9372abb5a340')).toEqual([]);
  });

  it('leaves a caller with no knowledge row alone', () => {
    const table = run(text('&md->io_barrier', 'some_driver_teardown'));
    expect(waitersOf(table, 'ffff9372abb5a340')).toEqual([]);
  });
});

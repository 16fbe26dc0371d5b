// Step 3 (held locks): lockdep's "N locks held by" lists.
import { describe, expect, it } from 'vitest';
import { lockTableOf, ownerOf, waitersOf } from '../../testing/lock-table.js';
import { RM_BLOCKED_ON_DIR_LOCK } from '../../testing/lockdep-texts.js';
import { fromHeldLocks } from './held-locks.js';
import { fromLockReports } from './reports.js';

const TEXT = RM_BLOCKED_ON_DIR_LOCK;

describe('fromHeldLocks', () => {
  it("a blocked task's last entry taken at its blocking site is the lock it waits for; others hold theirs", () => {
    const { table, waits } = lockTableOf(TEXT);
    fromHeldLocks(table, waits);
    expect(waitersOf(table, '0000000036f1c2aa')).toEqual([{ task: 'task:8830', confidence: 'likely' }]);
    expect(ownerOf(table, '0000000036f1c2aa')).toEqual({ task: 'task:8812', confidence: 'certain' });
  });

  it('reads the lines of one entry printed per inlined caller as one pending entry', () => {
    // A symbolized (syzbot) list prints entry #0 once per inlined frame of the acquiring call.
    const text = [
      'INFO: task syz-executor359:5222 blocked for more than 144 seconds.',
      'task:syz-executor359 state:D stack:26576 pid:5222  ppid:5113   flags:0x00004004',
      'Call Trace:',
      ' <TASK>',
      ' __schedule+0x17d8/0x4990 kernel/sched/core.c:6622',
      ' schedule+0xc3/0x180 kernel/sched/core.c:6698',
      ' schedule_preempt_disabled+0x13/0x20 kernel/sched/core.c:6757',
      ' rwsem_down_read_slowpath+0x5f4/0x950 kernel/locking/rwsem.c:1086',
      ' __down_read_common+0x61/0x2c0 kernel/locking/rwsem.c:1250',
      ' mmap_read_lock include/linux/mmap_lock.h:117 [inline]',
      ' do_user_addr_fault arch/x86/mm/fault.c:1358 [inline]',
      ' exc_page_fault+0x558/0x8a0 arch/x86/mm/fault.c:1554',
      ' asm_exc_page_fault+0x26/0x30 arch/x86/include/asm/idtentry.h:570',
      ' </TASK>',
      '',
      'Showing all locks held in the system:',
      '1 lock held by syz-executor359/5222:',
      ' #0: ffff88807d1df698 (&mm->mmap_lock){++++}-{3:3}, at: mmap_read_lock include/linux/mmap_lock.h:117 [inline]',
      ' #0: ffff88807d1df698 (&mm->mmap_lock){++++}-{3:3}, at: do_user_addr_fault arch/x86/mm/fault.c:1358 [inline]',
      ' #0: ffff88807d1df698 (&mm->mmap_lock){++++}-{3:3}, at: exc_page_fault+0x558/0x8a0 arch/x86/mm/fault.c:1554',
      '1 lock held by syz-executor359/5229:',
      ' #0: ffff88807d1df698 (&mm->mmap_lock){++++}-{3:3}, at: mmap_write_lock include/linux/mmap_lock.h:71 [inline]',
      ' #0: ffff88807d1df698 (&mm->mmap_lock){++++}-{3:3}, at: __se_sys_mbind+0x47d/0x9c0 mm/mempolicy.c:1555',
    ].join('\n');
    const { table, waits } = lockTableOf(text);
    fromHeldLocks(table, waits);
    expect(waitersOf(table, 'ffff88807d1df698')).toEqual([{ task: 'task:5222', confidence: 'likely' }]);
    expect(ownerOf(table, 'ffff88807d1df698')).toEqual({ task: 'task:5229', confidence: 'certain' });
  });

  it('a lock nobody waits for is kept with its holder when the dump is about the holder', () => {
    const { table, waits } = lockTableOf(TEXT);
    fromHeldLocks(table, waits);
    const l = table.existing('00000000b3e8a1d7', null);
    expect(l?.owner).toMatchObject({ task: 'task:8830', confidence: 'certain' });
    expect(l?.reported).toBe(true);
  });

  it('keeps the held locks of a task the dump shows only in the list while the lists are short', () => {
    const text = [
      TEXT,
      '1 lock held by kworker/0:1/12:',
      ' #0: ffff888100c4d548 (&shost->scan_mutex){+.+.}-{3:3}, at: scsi_scan_host_selected+0x75/0x110',
    ].join('\n');
    const { table, waits } = lockTableOf(text);
    fromHeldLocks(table, waits);
    expect(table.existing('ffff888100c4d548', null)?.owner?.task).toBe('task:12');
  });

  it('sets aside the locks of tasks the dump is not about when there are more than one task can hold, and makes one when asked for', () => {
    const others = Array.from(
      { length: 49 },
      (_, k) =>
        ` #${k}: ffff8881${String(k).padStart(8, '0')} (&adev->ring_lock#${k}){+.+.}-{3:3}, at: acme_ring_lock+0x1f/0x300 [acme]`,
    );
    const text = [TEXT, '49 locks held by acme-fuzz/4242:', ...others].join('\n');
    const { table, waits } = lockTableOf(text);
    fromHeldLocks(table, waits);
    // rm (8830), the hung task, still has its lock drawn.
    expect(table.existing('00000000b3e8a1d7', null)?.owner?.task).toBe('task:8830');
    expect(table.existing('ffff888100000007', null)).toBeUndefined();
    expect(table.byAddr('ffff888100000007')!.owner).toMatchObject({ task: 'task:4242', confidence: 'certain' });
  });

  it('draws at most MAX_LOCK_DEPTH held locks of one task the dump is about', () => {
    const mine = Array.from(
      { length: 60 },
      (_, k) =>
        ` #${k}: ffff8881${String(k).padStart(8, '0')} (&adev->ring_lock#${k}){+.+.}-{3:3}, at: acme_ring_lock+0x1f/0x300 [acme]`,
    );
    const text = [
      'INFO: task acme:4242 blocked for more than 120 seconds.',
      '60 locks held by acme/4242:',
      ...mine,
    ].join('\n');
    const { table, waits } = lockTableOf(text);
    fromHeldLocks(table, waits);
    expect(table.existing('ffff888100000047', null)).toBeDefined();
    expect(table.existing('ffff888100000048', null)).toBeUndefined();
  });

  it("does not take a task's last entry as held when a report says the task is blocked on a lock", () => {
    const text = [
      'INFO: task bash:2644 blocked for more than 147 seconds.',
      'INFO: task bash:2644 is blocked on a mutex likely owned by task rpc.nfsd:2761.',
      'Showing all locks held in the system:',
      '2 locks held by bash/2644:',
      ' #0: ffff88810e204400 (sb_writers#12){.+.+}-{0:0}, at: ksys_write+0xc9/0x160',
      ' #1: ffffffffa738e508 (nfsd_mutex){+.+.}-{4:4}, at: write_v4_end_grace+0x94/0x160',
      '1 lock held by rpc.nfsd/2761:',
      ' #0: ffffffffa738e508 (nfsd_mutex){+.+.}-{4:4}, at: write_threads+0x14e/0x210',
    ].join('\n');
    const { table, waits } = lockTableOf(text);
    fromLockReports(table, waits);
    fromHeldLocks(table, waits);
    const l = table.existing('ffffffffa738e508', null)!;
    expect(l.owner?.task).toBe('task:2761');
    expect(l.coOwners).toEqual([]);
    expect(table.existing('ffff88810e204400', null)?.owner?.task).toBe('task:2644');
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

// Step 4: the lock a task waits for, named by its own frames.
import { describe, expect, it } from 'vitest';
import { taskDump } from '../../testing/task-dump.js';
import { lockTableOf, waitersOf } from '../../testing/lock-table.js';
import { fromHeldLocks } from './held-locks.js';
import { waitersFromFrames } from './waiters-from-frames.js';

const blocked = (pid: number, ...callers: string[]) =>
  taskDump(`t${pid}`, pid, 'D', [
    '__schedule+0x3f6/0xa40',
    'schedule+0x5b/0xd0',
    'schedule_preempt_disabled+0x15/0x30',
    '__mutex_lock.constprop.0+0x3a4/0x6f0',
    'mutex_lock+0x26/0x30',
    ...callers.map((c) => `${c}+0x10/0x50`),
  ]);

describe('waitersFromFrames', () => {
  it('a wrapper of a well-known lock names it (rtnl_lock → rtnl_mutex)', () => {
    const { table, waits } = lockTableOf(blocked(17, 'rtnl_lock', 'linkwatch_event', 'process_one_work'));
    waitersFromFrames(table, waits);
    expect(table.locks.map((l) => l.id)).toEqual(['lock:rtnl_mutex']);
    expect(waitersOf(table, 'rtnl_mutex')).toEqual([{ task: 'task:17', confidence: 'likely' }]);
  });

  it('without an address or a known taker, each call site is its own anonymous lock', () => {
    const { table, waits } = lockTableOf(blocked(20, 'foo_open') + blocked(21, 'foo_open') + blocked(22, 'bar_open'));
    waitersFromFrames(table, waits);
    expect(waitersOf(table, 'mutex@foo_open').map((w) => w.task)).toEqual(['task:20', 'task:21']);
    expect(waitersOf(table, 'mutex@bar_open').map((w) => w.task)).toEqual(['task:22']);
  });

  it('a lock lockdep shows taken at the same call site by its holder is the one waited for', () => {
    const text =
      blocked(30, 'foo_open') +
      taskDump('other', 31, 'R', ['foo_poll+0x10/0x50', 'foo_open+0x20/0x50']) +
      '1 lock held by other/31:\n #0: ffff888100a3c0a8 (&foo->lock){+.+.}-{3:3}, at: foo_open+0x10/0x50\n';
    const { table, waits } = lockTableOf(text);
    fromHeldLocks(table, waits);
    waitersFromFrames(table, waits);
    expect(waitersOf(table, 'ffff888100a3c0a8')).toEqual([{ task: 'task:30', confidence: 'likely' }]);
    expect(table.namedNow('mutex@foo_open')).toBeUndefined();
  });

  it('a task recorded as waiting by an earlier step is left alone', () => {
    const { table, waits } = lockTableOf(blocked(17, 'rtnl_lock', 'linkwatch_event'));
    table.waiting.add('task:17');
    waitersFromFrames(table, waits);
    expect(table.locks).toEqual([]);
  });

  it("mmap_lock waits are keyed by the task's process", () => {
    const down = (pid: number) =>
      taskDump(`t${pid}`, pid, 'D', [
        '__schedule+0x3f6/0xa40',
        'schedule+0x5b/0xd0',
        'rwsem_down_read_slowpath+0x308/0x5c0',
        'down_read+0x2b/0x40',
        'do_user_addr_fault+0x1c2/0x690',
        'exc_page_fault+0x77/0x170',
      ]);
    const { table, waits } = lockTableOf(down(40) + down(41));
    const { mmLocks } = waitersFromFrames(table, waits);
    expect([...mmLocks.keys()]).toEqual(['comm:t40', 'comm:t41']);
    expect(waitersOf(table, 'mmap_lock@comm:t40')).toEqual([{ task: 'task:40', confidence: 'guess' }]);
  });
});

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

  // A crash session: systemd's page fault waits in down_read; `-o` prints where an mm's
  // mmap_lock lives.
  const SYSTEMD_BT = [
    'crash> bt 1',
    'PID: 1        TASK: ffff9a20c0264600  CPU: 0    COMMAND: "systemd"',
    ' #0 [ffffbb2900013d38] __schedule at ffffffff97b7a1cd',
    ' #1 [ffffbb2900013d98] schedule at ffffffff97b7a6d8',
    ' #2 [ffffbb2900013db0] schedule_preempt_disabled at ffffffff97b7a8a2',
    ' #3 [ffffbb2900013db8] rwsem_down_read_slowpath at ffffffff97b7dbe9',
    ' #4 [ffffbb2900013e48] down_read at ffffffff97b7ded4',
    ' #5 [ffffbb2900013e58] do_user_addr_fault at ffffffff9707ba6d',
  ];
  const MM_OFFSETS = [
    'crash> mm_struct.mmap_lock 0xffff9a20c0063200 -o',
    'struct mm_struct {',
    '  [ffff9a20c0063270]     struct rw_semaphore mmap_lock;',
    '}',
  ];

  it("a crash session's walk task_struct → mm → mmap_lock gives the lock its address", () => {
    const session = [
      ...SYSTEMD_BT,
      'crash> task_struct ffff9a20c0264600 | grep mm',
      '  mm = 0xffff9a20c0063200',
      ...MM_OFFSETS,
    ];
    const { table, waits } = lockTableOf(session.join('\n'));
    waitersFromFrames(table, waits);
    expect(waitersOf(table, 'ffff9a20c0063270')).toEqual([{ task: 'task:1', confidence: 'likely' }]);
    const l = table.existing('ffff9a20c0063270', null)!;
    expect(l.name).toBe('mmap_lock');
    // The wait's frames, then the two dumps that tie the task to that address.
    expect(l.waiters.get('task:1')!.evidence).toEqual([
      { line: 6, endLine: 8 },
      { line: 10, endLine: 10 },
      { line: 12, endLine: 14 },
    ]);
  });

  it('a task whose mm the session did not walk keeps the per-process key', () => {
    const { table, waits } = lockTableOf([...SYSTEMD_BT, ...MM_OFFSETS].join('\n'));
    waitersFromFrames(table, waits);
    expect(table.locks.map((l) => l.id)).toEqual(['lock:mmap_lock@comm:systemd']);
  });

  it('a function that took another lock before a version names the lock of the wait type (net_mutex before 4.16)', () => {
    const rwsem = taskDump('t50', 50, 'D', [
      '__schedule+0x3f6/0xa40',
      'schedule+0x5b/0xd0',
      'rwsem_down_read_slowpath+0x308/0x5c0',
      'down_read_killable+0x2b/0x40',
      'copy_net_ns+0x10c/0x2e0',
    ]);
    const { table, waits } = lockTableOf(blocked(51, 'copy_net_ns', 'create_new_namespaces') + rwsem);
    waitersFromFrames(table, waits);
    expect(waitersOf(table, 'net_mutex')).toEqual([{ task: 'task:51', confidence: 'likely' }]);
    expect(waitersOf(table, 'pernet_ops_rwsem')).toEqual([{ task: 'task:50', confidence: 'likely' }]);
  });
});

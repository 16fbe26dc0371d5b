// Step 3: lock facts reports print — the hung-task "likely owned by" hint, lockdep's
// "is trying to acquire".
import { describe, expect, it } from 'vitest';
import { taskDump } from '../../testing/task-dump.js';
import { lockTableOf, ownerOf, waitersOf } from '../../testing/lock-table.js';
import { fromLockReports } from './reports.js';

const BLOCKED = [
  '__schedule+0x3f6/0xa40',
  'schedule+0x5b/0xd0',
  'schedule_preempt_disabled+0x15/0x30',
  '__mutex_lock.constprop.0+0x3a4/0x6f0',
  'tb_switch_set_link_width+0x30/0x90 [thunderbolt]',
  'process_one_work+0x1f4/0x3c0',
];

describe('fromLockReports', () => {
  it('the hung-task hint names a likely owner of the lock the blocked task waits for at its call site', () => {
    const text =
      'INFO: task fwupd:3390 is blocked on a mutex likely owned by task kworker/u64:9:2871.\n' +
      taskDump('fwupd', 3390, 'D', BLOCKED) +
      taskDump('kworker/u64:9', 2871, 'D', ['__schedule+0x3f6/0xa40', 'schedule+0x5b/0xd0', 'msleep+0x2d/0x40']);
    const { table, waits } = lockTableOf(text);
    fromLockReports(table, waits);
    expect(table.locks.map((l) => l.id)).toEqual(['lock:mutex@tb_switch_set_link_width']);
    expect(ownerOf(table, 'mutex@tb_switch_set_link_width')).toEqual({ task: 'task:2871', confidence: 'likely' });
    expect(waitersOf(table, 'mutex@tb_switch_set_link_width')).toEqual([{ task: 'task:3390', confidence: 'certain' }]);
  });

  it('the hint’s mutex is the lock lockdep lists last for the waiter, taken where it blocks: one node', () => {
    const held = (site: string) =>
      [
        'Showing all locks held in the system:',
        '2 locks held by fwupd/3390:',
        ' #0: ffff888017d801e0 (&mm->mmap_lock){++++}-{4:4}, at: lock_mm_and_find_vma+0x37/0x300',
        ` #1: ffff888000fec848 (&tb->lock){+.+.}-{4:4}, at: ${site}+0x30/0x90 [thunderbolt]`,
        '1 lock held by kworker/u64:9/2871:',
        ' #0: ffff888000fec848 (&tb->lock){+.+.}-{4:4}, at: tb_handle_hotplug+0x3b8/0x2c30 [thunderbolt]',
      ].join('\n') + '\n';
    const text = (site: string) =>
      'INFO: task fwupd:3390 is blocked on a mutex likely owned by task kworker/u64:9:2871.\n' +
      taskDump('fwupd', 3390, 'D', BLOCKED) +
      taskDump('kworker/u64:9', 2871, 'D', ['__schedule+0x3f6/0xa40', 'schedule+0x5b/0xd0', 'msleep+0x2d/0x40']) +
      held(site);
    const { table, waits } = lockTableOf(text('tb_switch_set_link_width'));
    fromLockReports(table, waits);
    expect(table.locks.map((l) => l.id)).toEqual(['lock:ffff888000fec848']);
    expect(waitersOf(table, 'ffff888000fec848')).toEqual([{ task: 'task:3390', confidence: 'likely' }]);
    // Taken elsewhere, but the last of the waiter's list and in the owner's list: the same.
    const other = lockTableOf(text('tb_switch_reset'));
    fromLockReports(other.table, other.waits);
    expect(other.table.locks.map((l) => l.id)).toEqual(['lock:ffff888000fec848']);
    // Neither: the lock stays known by its call site.
    const none = lockTableOf(
      text('tb_switch_reset')
        .replace(
          'tb_handle_hotplug+0x3b8/0x2c30',
          'tb_handle_hotplug+0x3b8/0x2c30\n #1: ffff888000fe0000 (&tb->lock){+.+.}-{4:4}, at: tb_x+0x1/0x2',
        )
        .replace(
          /ffff888000fec848 \(&tb->lock\)\{\+\.\+\.\}-\{4:4\}, at: tb_handle/,
          'ffff888000fe1111 (&tb->lock){+.+.}-{4:4}, at: tb_handle',
        ),
    );
    fromLockReports(none.table, none.waits);
    expect(none.table.locks.map((l) => l.id)).toEqual(['lock:mutex@tb_switch_set_link_width']);
  });

  it('lockdep names the acquiring task a certain waiter of the lock by its address', () => {
    const text = [
      '============================================',
      'WARNING: possible recursive locking detected',
      '5.15.0 #1 Not tainted',
      '--------------------------------------------',
      'kworker/0:1/13 is trying to acquire lock:',
      'ffff888100a3c0a8 (&dev->mutex){+.+.}-{3:3}, at: foo_reset+0x20/0x90',
      '',
      'but task is already holding lock:',
      'ffff888100a3c0a8 (&dev->mutex){+.+.}-{3:3}, at: foo_probe+0x10/0x50',
    ].join('\n');
    const { table, waits } = lockTableOf(text);
    fromLockReports(table, waits);
    expect(waitersOf(table, 'ffff888100a3c0a8')).toEqual([{ task: 'task:13', confidence: 'certain' }]);
  });

  it('a recursive report on two instances of one class states the held instance as the task’s, drawn without waiters', () => {
    const report = (held: string) =>
      [
        '============================================',
        'WARNING: possible recursive locking detected',
        '6.15.0 #1 Not tainted',
        '--------------------------------------------',
        'kworker/0:1/13 is trying to acquire lock:',
        'ffff888100a3c0a8 (&dev->mutex){+.+.}-{3:3}, at: foo_reset+0x20/0x90',
        '',
        'but task is already holding lock:',
        `${held} (&dev->mutex){+.+.}-{3:3}, at: foo_probe+0x10/0x50`,
      ].join('\n');
    const two = lockTableOf(report('ffff888100b7d0a8'));
    fromLockReports(two.table, two.waits);
    expect(ownerOf(two.table, 'ffff888100b7d0a8')).toEqual({ task: 'task:13', confidence: 'certain' });
    expect(two.table.locks.find((l) => l.addr === 'ffff888100b7d0a8')?.reported).toBe(true);
    expect(waitersOf(two.table, 'ffff888100b7d0a8')).toEqual([]);
    // The same instance held and wanted: one lock, the task its waiter; no second node.
    const one = lockTableOf(report('ffff888100a3c0a8'));
    fromLockReports(one.table, one.waits);
    expect(one.table.locks.map((l) => l.id)).toEqual(['lock:ffff888100a3c0a8']);
    expect(one.table.locks[0].reported).toBeUndefined();
  });
});

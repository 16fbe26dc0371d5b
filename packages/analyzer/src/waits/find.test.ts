// The waits stage on its own: text → records → model, then findWaits, and what it reads
// off each task's stack (the frame that names the wait, the API, the culprit).
import { describe, expect, it } from 'vitest';
import { buildModel } from '../model/build.js';
import { parseText } from '../parse/run.js';
import { taskDump } from '../testing/task-dump.js';
import { findWaits } from './find.js';

function waitsOf(text: string) {
  const { records } = parseText(text);
  const model = buildModel(records, text);
  const waits = findWaits(model, 'x86_64');
  const byPid = (pid: number) => [...waits.values()].find((w) => w.task.pid === pid) ?? null;
  return { waits, byPid };
}

const task = taskDump;

const SCHED = ['__schedule+0x3f6/0xa40', 'schedule+0x5b/0xd0'];
const SYSCALL = ['do_syscall_64+0x3b/0x90', 'entry_SYSCALL_64_after_hwframe+0x61/0xcb'];

describe('findWaits', () => {
  it('a /proc stack that begins at a lock taker sleeps on that lock (the __sched slow path is left out)', () => {
    const { byPid } = waitsOf(
      [
        '$ cat /proc/4412/stack',
        '[<0>] lookup_slow+0x2c/0x60',
        '[<0>] walk_component+0x1c3/0x300',
        '[<0>] path_lookupat+0x7e/0x210',
      ].join('\n'),
    );
    const w = byPid(4412)!;
    expect([w.rule.kind, w.rule.lockType, w.frame.fn, w.culprit?.fn]).toEqual([
      'lock',
      'rwsem',
      'lookup_slow',
      'lookup_slow',
    ]);
    // A stack that begins with the scheduler is read as before: the taker is the culprit.
    const d = waitsOf(
      task('ls', 7, 'D', [...SCHED, 'rwsem_down_read_slowpath+0x1/0x2', 'down_read+0x1/0x2', 'lookup_slow+0x2c/0x60']),
    );
    expect(d.byPid(7)!.frame.fn).toBe('rwsem_down_read_slowpath');
  });

  it('names a mutex wait by its outermost API frame and the caller that asked', () => {
    const text = task('acme-ctl', 100, 'D', [
      ...SCHED,
      'schedule_preempt_disabled+0x15/0x30',
      '__mutex_lock.constprop.0+0x3f5/0x7a0',
      '__mutex_lock_slowpath+0x13/0x20',
      'mutex_lock+0x38/0x50',
      'acme_cfg_update+0x8e/0x170 [acme]',
      'acme_ioctl+0x9d/0x130 [acme]',
      ...SYSCALL,
    ]);
    const w = waitsOf(text).byPid(100)!;
    expect(w.rule.kind).toBe('lock');
    expect(w.frame.fn).toBe('__mutex_lock.constprop.0');
    expect(w.api.fn).toBe('mutex_lock');
    expect(w.culprit?.fn).toBe('acme_cfg_update');
    // Each located frame carries this task's input line (line 1 is the task line).
    expect(w.culprit?.line).toBe(10);
  });

  it("reads a PREEMPT_RT sleeping lock through rtmutex's plumbing: the caller names it", () => {
    const text = task('kworker/u8:8', 200, 'D', [
      '__switch_to+0xf4/0x158',
      '__schedule+0x27c/0x908',
      'rt_mutex_schedule+0x30/0x60',
      '__rt_mutex_slowlock_locked.constprop.0+0x460/0x8a8',
      'rwbase_write_lock+0x24c/0x378',
      'down_write+0x1c/0x30',
      'f2fs_balance_fs+0x184/0x208',
      'f2fs_write_inode+0xf4/0x328',
    ]);
    const w = waitsOf(text).byPid(200)!;
    expect([w.rule.kind, w.rule.lockType, w.rule.mode, w.api.fn, w.culprit?.fn]).toEqual([
      'lock',
      'rwsem',
      'write',
      'down_write',
      'f2fs_balance_fs',
    ]);
    const spin = task('irq/88-acme', 201, 'D', [
      '__schedule+0x27c/0x908',
      'schedule_rtlock+0x1c/0x40',
      'rtlock_slowlock_locked+0x2d0/0xd40',
      'rt_spin_lock+0x40/0x60',
      'acme_handle_event+0x30/0x90',
    ]);
    expect(waitsOf(spin).byPid(201)!.api.fn).toBe('rt_spin_lock');
  });

  it('falls back to generic plumbing (io_schedule) when no frame names the wait', () => {
    const text = task('dd', 101, 'D', [
      ...SCHED,
      'io_schedule+0x16/0x40',
      'acme_wait_idle+0x11c/0x3a0 [acme]',
      'acme_flush+0x30/0x90 [acme]',
      'acme_write+0x72/0xc0 [acme]',
      'vfs_write+0xb1/0x1a0',
      ...SYSCALL,
    ]);
    const w = waitsOf(text).byPid(101)!;
    expect(w.rule.kind).toBe('io');
    expect(w.frame.fn).toBe('io_schedule');
    expect(w.culprit?.fn).toBe('acme_wait_idle');
  });

  it('reads 6.x completion plumbing (wait_for_completion_state) under synchronize_rcu as an RCU wait', () => {
    const text = task('systemd', 1, 'D', [
      ...SCHED,
      'schedule_timeout+0x90/0x100',
      '__wait_for_common+0xb0/0x180',
      'wait_for_completion_state+0x20/0x60',
      '__wait_rcu_gp+0x114/0x1e0',
      'synchronize_rcu_normal.part.0+0x48/0x60',
      'synchronize_rcu+0xe0/0x140',
      'rcu_sync_enter+0x44/0x140',
      ...SYSCALL,
    ]);
    const w = waitsOf(text).byPid(1)!;
    expect(w.rule.kind).toBe('rcu');
    expect(w.frame.fn).toBe('__wait_rcu_gp');
  });

  it('lets a sleep-and-retry loop be named by the wait that calls it', () => {
    const text = task('ip', 102, 'D', [
      ...SCHED,
      'schedule_timeout+0x8f/0x150',
      'msleep+0x2c/0x40',
      'netdev_wait_allrefs+0x9a/0x290',
      'rollback_registered_many+0x2a3/0x4e0',
      'unregister_netdevice_queue+0x8e/0x110',
      ...SYSCALL,
    ]);
    const w = waitsOf(text).byPid(102)!;
    expect(w.rule.kind).toBe('netdev_ref');
    expect(w.frame.fn).toBe('netdev_wait_allrefs');
  });

  it('gives up after more than two frames it cannot name, and skips unreliable frames', () => {
    const text =
      task('acme', 103, 'D', [
        ...SCHED,
        'acme_a+0x1/0x10 [acme]',
        'acme_b+0x1/0x10 [acme]',
        'acme_c+0x1/0x10 [acme]',
        'mutex_lock+0x38/0x50',
        ...SYSCALL,
      ]) + task('acme2', 104, 'D', [...SCHED, '? mutex_lock+0x38/0x50', 'acme_a+0x1/0x10 [acme]', ...SYSCALL]);
    const { byPid } = waitsOf(text);
    expect(byPid(103)).toBeNull();
    expect(byPid(104)).toBeNull();
  });

  it('leaves out a sleeping (S) task that only waits for an event, keeps a D one', () => {
    const frames = [
      ...SCHED,
      'futex_wait_queue_me+0xbb/0x120',
      'futex_wait+0x105/0x240',
      'do_futex+0x10c/0x4d0',
      ...SYSCALL,
    ];
    const { byPid } = waitsOf(task('bash', 105, 'S', frames) + task('bash', 106, 'D', frames));
    expect(byPid(105)).toBeNull();
    expect(byPid(106)?.rule.kind).toBe('event');
  });

  it('works the wait out once per distinct stack: tasks with one stack share it', () => {
    const frames = [
      ...SCHED,
      'schedule_preempt_disabled+0x15/0x30',
      '__mutex_lock.constprop.0+0x3f5/0x7a0',
      'mutex_lock+0x38/0x50',
      'acme_cfg_update+0x8e/0x170 [acme]',
      ...SYSCALL,
    ];
    const text = Array.from({ length: 50 }, (_, i) => task('w', 200 + i, 'D', frames)).join('');
    const { waits } = waitsOf(text);
    expect(waits.size).toBe(50);
    const runs = new Set([...waits.values()].map((w) => w.run));
    expect(runs.size).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { isGenericFrame, isWaitFrame } from './genericFrames';

describe('generic frames', () => {
  it('dims scheduler, entry, kthread and reporting plumbing', () => {
    for (const fn of ['__schedule', 'schedule', 'schedule_timeout', 'io_schedule', 'ret_from_fork', 'kthread', 'worker_thread', 'process_one_work', 'entry_SYSCALL_64_after_hwframe', 'do_syscall_64', 'SyS_delete_module', 'machine_kexec', 'end_repeat_nmi', 'schedule_preempt_disabled'])
      expect([fn, isGenericFrame(fn)]).toEqual([fn, true]);
  });

  it('keeps the frames that say why a task waits', () => {
    for (const fn of ['mutex_lock', '__mutex_lock_slowpath', 'flush_workqueue', 'ttm_eu_reserve_buffers', 'schedulerx_custom', 'native_queued_spin_lock_slowpath', 'try_to_wake_up', 'kthread_stop', 'panic_notifier_x'])
      expect([fn, isGenericFrame(fn)]).toEqual([fn, false]);
  });

  it('matches the wait frame with or without an offset', () => {
    expect(isWaitFrame('mutex_lock', 'mutex_lock+0x1f')).toBe(true);
    expect(isWaitFrame('mutex_lock', 'mutex_lock')).toBe(true);
    expect(isWaitFrame('mutex_unlock', 'mutex_lock')).toBe(false);
    expect(isWaitFrame('x', null)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { isHandlerDispatcher, isLockRelease } from './irq-frames.js';

describe('irq frames', () => {
  it('lock releases are the unlock and irq-restore primitives', () => {
    for (const fn of [
      '__raw_spin_unlock_irqrestore',
      '_raw_spin_unlock_irqrestore',
      '_raw_spin_unlock_irq',
      'spin_unlock_bh',
      '_raw_write_unlock_irqrestore',
      'do_raw_spin_unlock',
      '.arch_local_irq_restore',
    ])
      expect(isLockRelease(fn), fn).toBe(true);
    for (const fn of ['_raw_spin_lock_irqsave', 'mutex_unlock', 'up_write', 'amd_iommu_attach_device'])
      expect(isLockRelease(fn), fn).toBe(false);
  });
  it('dispatchers call a handler, with or without a compiler suffix', () => {
    for (const fn of [
      'call_timer_fn',
      'call_timer_fn.constprop.0',
      '__run_hrtimer',
      'tasklet_action_common',
      '__napi_poll',
    ])
      expect(isHandlerDispatcher(fn), fn).toBe(true);
    for (const fn of ['__run_timers', 'run_timer_softirq', 'br_multicast_query_expired.constprop.0'])
      expect(isHandlerDispatcher(fn), fn).toBe(false);
  });
});

// Frames that say where a CPU runs when a watchdog catches it in interrupt context or
// just leaving a critical section.
//
// Lock release: a soft lockup is reported from the timer interrupt, which a CPU that
// ran with interrupts off takes the moment it turns them on again — in the unlock that
// restores them. The RIP then sits in the unlock (`RIP: __raw_spin_unlock_irqrestore`
// above `amd_iommu_attach_device`), and what ran with the lock held is the caller.
// Sources: include/linux/spinlock_api_smp.h (__raw_spin_unlock*, __raw_read_unlock*,
// __raw_write_unlock*), kernel/locking/spinlock.c (_raw_spin_unlock*,
// _raw_read_unlock*, _raw_write_unlock*), include/linux/spinlock.h (spin_unlock*),
// kernel/locking/spinlock_debug.c (do_raw_spin_unlock, do_raw_{read,write}_unlock),
// include/linux/irqflags.h / arch/*/include/asm/irqflags.h (arch_local_irq_restore,
// native_restore_fl); 2.6.x to 6.x.
//
// Dispatchers: in an `<IRQ>` section the frame a dispatcher called is the handler that
// runs: `call_timer_fn` calls the timer's function (`br_multicast_query_expired`), which
// says what the CPU does again and again; the innermost frame (`__netdev_alloc_skb`) is
// only where the sample landed. Sources: kernel/time/timer.c (call_timer_fn, 2.6.x to
// 6.x, expire_timers 4.8+), kernel/time/hrtimer.c (__run_hrtimer), kernel/softirq.c
// (tasklet_action_common 4.20+, tasklet_action / tasklet_hi_action before),
// kernel/irq/handle.c (__handle_irq_event_percpu 4.7+, handle_irq_event_percpu before),
// net/core/dev.c (__napi_poll 5.11+, napi_poll before), kernel/rcu/tree.c (rcu_do_batch,
// which runs the RCU callbacks), kernel/irq_work.c (irq_work_single 5.9+, irq_work_run_list).

import { symbolName } from './symbol.js';

const SUFFIX = String.raw`(?:\.(?:constprop|isra|part|cold)\.\d+)*`;

const LOCK_RELEASE = new RegExp(
  String.raw`^(?:_{0,2}raw_(?:spin|read|write)_unlock(?:_irqrestore|_irq|_bh)?|(?:spin|read|write)_unlock(?:_irqrestore|_irq|_bh)?|do_raw_(?:spin|read|write)_unlock|arch_local_irq_restore|native_restore_fl)${SUFFIX}$`,
);

const DISPATCHER = new RegExp(
  String.raw`^(?:call_timer_fn|__run_hrtimer|tasklet_action_common|tasklet_action|tasklet_hi_action|__handle_irq_event_percpu|handle_irq_event_percpu|__napi_poll|napi_poll|rcu_do_batch|irq_work_single|irq_work_run_list)${SUFFIX}$`,
);

/** Is `fn` a lock release (or interrupt restore) that a CPU returns through? */
export function isLockRelease(fn: string): boolean {
  return LOCK_RELEASE.test(symbolName(fn));
}

/** Is `fn` a dispatcher that calls a handler (a timer function, a tasklet, an irq action)? */
export function isHandlerDispatcher(fn: string): boolean {
  return DISPATCHER.test(symbolName(fn));
}

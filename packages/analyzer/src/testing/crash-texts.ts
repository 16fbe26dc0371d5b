// Crash texts that the tests of more than one module read.

/** Justin Tee's lpfc commit message (c44e50f4a0ec, stable 2022-12-19), as posted: a crash bt
 *  trimmed to `fn at ADDR [mod]` under the panic's CPU line, the timer handler on the IRQ stack
 *  spinning on the lock the interrupted debugfs read holds. */
export const LPFC_HARD_LOCKUP_BT = `Kernel panic - not syncing: Hard LOCKUP
CPU: 3 PID: 110402 Comm: cat Kdump: loaded

exception RIP: native_queued_spin_lock_slowpath+91

[IRQ stack]
 native_queued_spin_lock_slowpath at ffffffffb814e30b
 _raw_spin_lock at ffffffffb89a667a
 lpfc_rx_monitor_record at ffffffffc0a73a36 [lpfc]
 lpfc_cmf_timer at ffffffffc0abbc67 [lpfc]
 __hrtimer_run_queues at ffffffffb8184250
 hrtimer_interrupt at ffffffffb8184ab0
 smp_apic_timer_interrupt at ffffffffb8a026ba
 apic_timer_interrupt at ffffffffb8a01c4f
[End of IRQ stack]

 apic_timer_interrupt at ffffffffb8a01c4f
 lpfc_rx_monitor_report at ffffffffc0a73c80 [lpfc]
 lpfc_rx_monitor_read at ffffffffc0addde1 [lpfc]
 vfs_read at ffffffffb833fe71
`;

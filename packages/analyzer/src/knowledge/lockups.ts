// Watchdog thresholds (kernel/watchdog.c).

/**
 * Seconds a CPU may run kernel code without scheduling before the soft-lockup detector
 * reports it: 2 * `kernel.watchdog_thresh` (default 10), kernel/watchdog.c
 * get_softlockup_thresh(). A task that has not left its CPU for that long while others
 * wait on the CPU's run queue holds that CPU the way a soft lockup does.
 */
export const SOFT_LOCKUP_THRESH_S = 20;

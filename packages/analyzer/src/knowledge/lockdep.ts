// lockdep facts (kernel/locking/lockdep.c, include/linux/sched.h).

/**
 * Most locks lockdep tracks as held by one task at a time: `held_locks[MAX_LOCK_DEPTH]`
 * in task_struct (include/linux/sched.h, 48 since 2.6.18), and __lock_acquire refuses a
 * 49th ("BUG: MAX_LOCK_DEPTH too low!"). A list of held locks longer than that for one
 * task is not lockdep's.
 */
export const MAX_LOCK_DEPTH = 48;

/** lockdep headlines that report a possible deadlock, with a subtype (kernel/locking/lockdep.c,
 *  the printer named in `source`). */
export const LOCKDEP_REPORTS: { re: RegExp; subtype: string; source: string }[] = [
  { re: /possible circular locking dependency detected/, subtype: 'circular', source: 'print_circular_bug_header' },
  { re: /possible recursive locking detected/, subtype: 'recursive', source: 'print_deadlock_bug' },
  { re: /inconsistent lock state/, subtype: 'inconsistent', source: 'print_usage_bug' },
  {
    re: /possible irq lock inversion dependency detected/,
    subtype: 'irq_inversion',
    source: 'print_irq_inversion_bug',
  },
  {
    re: /(?:SOFT|HARD)IRQ-(?:READ-)?safe -> (?:SOFT|HARD)IRQ-(?:READ-)?unsafe lock order detected/,
    subtype: 'irq_order',
    source: 'print_bad_irq_dependency',
  },
  { re: /circular locking deadlock detected!?/, subtype: 'rtmutex', source: 'debug_rt_mutex_print_deadlock' },
  // Reports of a lock left held: no deadlock yet, but whoever takes the lock next waits
  // forever. The task holds every lock the report lists (lockdep_print_held_locks).
  // `%s/%d is freeing memory %px-%px, with a lock still held there!`, the lock, the list.
  { re: /held lock freed!?$/, subtype: 'held_lock_freed', source: 'print_freed_lock_bug' },
  // `%s/%d is leaving the kernel with locks still held!`, the list (lockdep_sys_exit).
  { re: /lock held when returning to user space!?$/, subtype: 'held_returning_to_user', source: 'lockdep_sys_exit' },
  // `%s/%d is trying to release lock (class) at:`, the caller, `but there are no more
  // locks to release!`, the list: an unlock of a lock the task does not hold.
  { re: /bad unlock balance detected!?$/, subtype: 'bad_unlock_balance', source: 'print_unlock_imbalance_bug' },
];

/** A lockdep report's headline line; 2.6.18-4.x print `[ INFO: … ]` / `[ BUG: … ]` where
 *  later kernels print `WARNING: …`. Group 1 is the report's words. */
export const LOCKDEP_HEADLINE = /^(?:WARNING: |\[ (?:INFO|BUG): )(.{10,120}?)(?: \])?$/;

/** The whole of a lockdep report's headline line: the kernel prints the version line after
 *  it with another printk, so nothing that follows continues it. */
export function isLockdepHeadline(t: string): boolean {
  const h = LOCKDEP_HEADLINE.exec(t);
  return h !== null && LOCKDEP_REPORTS.some((r) => r.re.test(h[1]));
}

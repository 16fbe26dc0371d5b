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

/** LOCKDEP_REPORTS subtypes that report a lock left held or misused, not a deadlock: no
 *  task waits yet. When the text also holds a watchdog's report (the hang that the lock
 *  left held went on to cause), that report names the text (summary/left-held.ts). */
export const LOCK_LEFT_HELD_SUBTYPES: ReadonlySet<string> = new Set([
  'held_lock_freed',
  'held_returning_to_user',
  'bad_unlock_balance',
]);

/** A lockdep report's headline line; 2.6.18-4.x print `[ INFO: … ]` / `[ BUG: … ]` where
 *  later kernels print `WARNING: …`. Group 1 is the report's words. */
export const LOCKDEP_HEADLINE = /^(?:WARNING: |\[ (?:INFO|BUG): )(.{10,120}?)(?: \])?$/;

/** Lines a lockdep report prints whole, each with a printk of its own and a line end
 *  (kernel/locking/lockdep.c: print_circular_bug_header, print_circular_bug,
 *  print_usage_bug, print_irqtrace_events, print_unlock_imbalance_bug, debug_show_all_locks). */
const LOCKDEP_WHOLE_LINE =
  /^(?:which lock already depends on the new lock\.|the existing dependency chain \(in reverse order\) is:|other info that might help us debug this:|Possible (?:interrupt )?unsafe locking scenario:|and interrupts could create inverse lock ordering between them\.|Chain exists of:|\*\*\* DEADLOCK \*\*\*|stack backtrace:|INFO: lockdep is turned off\.|but there are no more locks to release!|inconsistent \{[\w-]{1,40}\} -> \{[\w-]{1,40}\} usage\.|irq event stamp: \d{1,20})$/;

/** A line lockdep prints whole (its headline, or one of LOCKDEP_WHOLE_LINE): what follows
 *  it is another printk's line, never its rest. */
export function isWholeLockdepLine(t: string): boolean {
  if (LOCKDEP_WHOLE_LINE.test(t)) return true;
  const h = LOCKDEP_HEADLINE.exec(t);
  return h !== null && LOCKDEP_REPORTS.some((r) => r.re.test(h[1]));
}

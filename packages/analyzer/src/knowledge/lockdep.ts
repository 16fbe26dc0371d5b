// lockdep facts (kernel/locking/lockdep.c, include/linux/sched.h).

/**
 * Most locks lockdep tracks as held by one task at a time: `held_locks[MAX_LOCK_DEPTH]`
 * in task_struct (include/linux/sched.h, 48 since 2.6.18), and __lock_acquire refuses a
 * 49th ("BUG: MAX_LOCK_DEPTH too low!"). A list of held locks longer than that for one
 * task is not lockdep's.
 */
export const MAX_LOCK_DEPTH = 48;

// The hung-task report's own lines (kernel/hung_task.c check_hung_task): after the
// `INFO: task comm:pid blocked for more than N seconds.` headline and the taint line,
//   "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
// No other kernel message prints it, so the line alone says a hung-task report is here,
// and the task dump (sched_show_task) follows it.

/** The report's second line as the kernel prints it (no prefix, nothing after it). */
export const HUNG_TASK_ECHO_LINE = /^"echo 0 > \/proc\/sys\/kernel\/hung_task_timeout_secs" disables this message\.$/;

/** Its first words, which no other line starts with. */
export const HUNG_TASK_ECHO_START = '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs"';
/** The same, as a pattern for a line's start. */
export const HUNG_TASK_ECHO_OPENER = /^"echo 0 > \/proc\/sys\/kernel\/hung_task_timeout_secs"/;

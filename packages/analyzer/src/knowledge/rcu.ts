// RCU's own threads, as their frames show them.
//
// rcu_gp_kthread (kernel/rcu/tree.c, 3.7+) is the grace-period kthread of each RCU flavour
// (`rcu_sched`, `rcu_preempt`, `rcu_bh`); a stall report's "RCU grace-period kthread stack
// dump" prints it with `sched_show_task`, whose `R running task` line says it is runnable,
// not that it runs. Its stack on a CPU therefore never says what holds that CPU.

/** True for a frame of the RCU grace-period kthread's main loop. */
export function isRcuGpKthreadFrame(fn: string): boolean {
  return fn === 'rcu_gp_kthread';
}

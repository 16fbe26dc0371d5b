// What to capture next when the chain leaves the dump. One row per situation; `{pid}`,
// `{cpu}`, `{addr}`, `{wq}`, `{work}` are filled in from the finding.

export type Situation =
  | 'no_capture'
  | 'flush_no_runner'
  | 'lock_no_owner'
  | 'ipi_unknown_target'
  | 'stuck_cpu_no_stack'
  | 'single_stack'
  | 'poll_external'
  | 'rcu_stall'
  | 'hung_task_general'
  | 'starved_vcpu';

export const NEXT_STEPS: Record<Situation, string[]> = {
  no_capture: [
    'Capture the stacks of the blocked tasks: `cat /proc/PID/stack` for each task in D state (`ps -eo pid,stat,comm,wchan | awk \'$2 ~ /D/\'`).',
    'Dump all blocked tasks to the kernel log: `echo w > /proc/sysrq-trigger`, then save `dmesg`.',
    'Keep the hung-task report: it is in `dmesg` / `journalctl -k` as "INFO: task … blocked for more than … seconds".',
    'For a post-mortem: set `kernel.hung_task_panic=1` (and `kernel.softlockup_panic=1`), configure kdump, and open the vmcore with crash (`foreach UN bt`, `bt -a`).',
  ],
  flush_no_runner: [
    'Find the worker that should run {work}: `echo w > /proc/sysrq-trigger` (blocked tasks) and `echo t > /proc/sysrq-trigger` (all tasks and, on 4.x+, the busy workqueues and pools), then save `dmesg`.',
    'Read the kworkers\' stacks: `for p in $(pgrep kworker); do echo "== $p $(cat /proc/$p/comm)"; cat /proc/$p/stack; done`.',
    'In crash: `foreach UN bt` and `foreach kworker bt` to find a worker inside process_one_work for {work}{wq}.',
  ],
  lock_no_owner: [
    'Find the owner of {addr}: in crash, `struct mutex {addr}` (owner field; mask the low 3 flag bits) or `struct rw_semaphore {addr}`, then `ps` to map the task_struct address to a pid.',
    'Search every task\'s stack for the lock address: `search -t {addr}` in crash.',
    'With lockdep enabled, `echo d > /proc/sysrq-trigger` prints all locks held in the system.',
  ],
  ipi_unknown_target: [
    'Find which CPU did not answer: in crash, `bt -a`, `p cfd_data:{cpu}` → `struct cpumask <cpumask>` for the CPUs it sent to, and `struct call_single_data <per-cpu csd>` (flags & 1 = not answered).',
    'Get every CPU\'s backtrace at the time: `echo l > /proc/sysrq-trigger` (NMI backtraces of all CPUs), or set `kernel.softlockup_all_cpu_backtrace=1`.',
    'On a VM, check whether the host is running the vCPU (host: `top -H -p <qemu pid>`, steal time in the guest\'s /proc/stat).',
  ],
  stuck_cpu_no_stack: [
    'Capture all CPUs\' stacks: `echo l > /proc/sysrq-trigger`, or `kernel.hardlockup_all_cpu_backtrace=1` / `kernel.softlockup_all_cpu_backtrace=1` before the next occurrence.',
    'In crash: `bt -a` and `runq`.',
  ],
  single_stack: [
    'This is one stack in isolation: capture the other blocked tasks too (`echo w > /proc/sysrq-trigger`, or `foreach UN bt` in crash) to see who holds what it waits for.',
    'Record who wakes it: `offwaketime -p {pid} 10` (bcc) shows the waker\'s stack.',
  ],
  poll_external: [
    'The task polls hardware or an outside state in a loop: check the device ({culprit}) — its register state, firmware logs, and on a VM the device model on the host.',
    'Trace the loop: `perf trace -p {pid}` or `trace-cmd record -p function_graph -l {culprit}` to see what it reads back.',
  ],
  rcu_stall: [
    'Get the stalled CPUs\' stacks and the grace-period kthread\'s state: the RCU stall report\'s task dumps, and `echo l > /proc/sysrq-trigger` while it stalls.',
    'Set `rcupdate.rcu_cpu_stall_timeout` lower to catch it earlier, and `kernel.panic_on_rcu_stall=1` with kdump for a vmcore.',
  ],
  starved_vcpu: [
    'On the host: is the guest\'s vCPU thread running? `top -H -p $(pgrep -f <guest qemu>)`, its state (D = blocked in the host kernel: check the host\'s dmesg and storage), and the host\'s load.',
    'In the guest: steal time (`st` in `top`, `/proc/stat`) and `runq` in crash for every CPU.',
  ],
  hung_task_general: [
    'Capture all blocked tasks: `echo w > /proc/sysrq-trigger` and save `dmesg`; with lockdep, `echo d > /proc/sysrq-trigger` for the locks held.',
    'For a vmcore next time: `kernel.hung_task_panic=1` with kdump, then `foreach UN bt` in crash.',
  ],
};

export function nextSteps(situation: Situation, vars: Record<string, string | number | null | undefined> = {}): string[] {
  return NEXT_STEPS[situation].map((s) =>
    s.replace(/\{(\w+)\}/g, (_, k: string) => {
      const v = vars[k];
      if (v === undefined || v === null || v === '') {
        if (k === 'wq') return '';
        return k === 'pid' ? 'PID' : k === 'cpu' ? 'N' : k === 'addr' ? 'ADDR' : k === 'work' ? 'the work item' : k;
      }
      return k === 'wq' ? ` on ${v}` : String(v);
    }),
  );
}

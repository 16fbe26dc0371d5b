// What to capture next when the chain leaves the dump. One row per situation; `{pid}`,
// `{cpu}`, `{addr}`, `{wq}`, `{work}` are filled in from the finding.

import type { CollectorSource } from '../contract.js';

export type Situation =
  | 'no_capture'
  | 'flush_no_runner'
  | 'lock_no_owner'
  | 'ipi_unknown_target'
  | 'stuck_cpu_no_stack'
  | 'single_stack'
  | 'poll_external'
  | 'rcu_stall'
  | 'rcu_gp_starved'
  | 'hung_task_general'
  | 'starved_vcpu'
  | 'storage_io'
  | 'nfs_server'
  | 'fuse_daemon'
  | 'netfs_server'
  | 'memory_reclaim'
  | 'gpu_fence'
  | 'frozen_task'
  | 'userfault_handler'
  | 'lockdep_cut';

export const NEXT_STEPS: Record<Situation, string[]> = {
  // kernel/locking/lockdep.c print_circular_bug: the headline, `comm/pid is trying to
  // acquire lock:`, the held lock, the chain, the scenario, then `stack backtrace:`.
  lockdep_cut: [
    'Keep the whole lockdep report, from its `WARNING: possible … detected` line to the end of the `stack backtrace:` that follows (`dmesg` / `journalctl -k`): its top names the task that tripped it and the lock it held.',
  ],
  no_capture: [
    "Capture the stacks of the blocked tasks: `cat /proc/PID/stack` for each task in D state (`ps -eo pid,stat,comm,wchan | awk '$2 ~ /D/'`).",
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
    "Search every task's stack for the lock address: `search -t {addr}` in crash.",
    'With lockdep enabled, `echo d > /proc/sysrq-trigger` prints all locks held in the system.',
  ],
  ipi_unknown_target: [
    'Find which CPU did not answer: in crash, `bt -a`, `p cfd_data:{cpu}` → `struct cpumask <cpumask>` for the CPUs it sent to, and `struct call_single_data <per-cpu csd>` (flags & 1 = not answered).',
    "Get every CPU's backtrace at the time: `echo l > /proc/sysrq-trigger` (NMI backtraces of all CPUs), or set `kernel.softlockup_all_cpu_backtrace=1`.",
    "On a VM, check whether the host is running the vCPU (host: `top -H -p <qemu pid>`, steal time in the guest's /proc/stat).",
  ],
  stuck_cpu_no_stack: [
    "Capture all CPUs' stacks: `echo l > /proc/sysrq-trigger`, or `kernel.hardlockup_all_cpu_backtrace=1` / `kernel.softlockup_all_cpu_backtrace=1` before the next occurrence.",
    'In crash: `bt -a` and `runq`.',
  ],
  single_stack: [
    'This is one stack in isolation: capture the other blocked tasks too (`echo w > /proc/sysrq-trigger`, or `foreach UN bt` in crash) to see who holds what it waits for.',
    "Record who wakes it: `offwaketime -p {pid} 10` (bcc) shows the waker's stack.",
  ],
  poll_external: [
    'The task polls hardware or an outside state in a loop: check the device ({culprit}) — its register state, firmware logs, and on a VM the device model on the host.',
    'Trace the loop: `perf trace -p {pid}` or `trace-cmd record -p function_graph -l {culprit}` to see what it reads back.',
  ],
  rcu_stall: [
    "Get the stalled CPUs' stacks and the grace-period kthread's state: the RCU stall report's task dumps, and `echo l > /proc/sysrq-trigger` while it stalls.",
    'Set `rcupdate.rcu_cpu_stall_timeout` lower to catch it earlier, and `kernel.panic_on_rcu_stall=1` with kdump for a vmcore.',
  ],
  rcu_gp_starved: [
    'Find the grace-period kthread and its CPU: `ps -eLo pid,cls,rtprio,psr,stat,comm | grep -E "rcu_(sched|preempt|gp)"`, and what runs on that CPU (`top -H`, `perf top -C N`): a real-time or non-preemptible busy task keeps it off.',
    'Give it priority if RT tasks starve it (`rcutree.kthread_prio=`), and capture all CPUs while it stalls: `echo l > /proc/sysrq-trigger`; on a VM, check steal time and the host.',
  ],
  starved_vcpu: [
    "On the host: is the guest's vCPU thread running? `top -H -p $(pgrep -f <guest qemu>)`, its state (D = blocked in the host kernel: check the host's dmesg and storage), and the host's load.",
    'In the guest: steal time (`st` in `top`, `/proc/stat`) and `runq` in crash for every CPU.',
  ],
  storage_io: [
    'See whether the device still completes IO: `iostat -x 1` (await, %util), `cat /sys/block/*/inflight`, and `dmesg` for I/O errors, SCSI/NVMe timeouts or resets.',
    "With multipath or a SAN: `multipath -ll` (paths failed or queueing without a path), and the array's own logs.",
    'In crash: `dev -d` (requests in flight per disk) and the request queue of the disk the tasks wait on.',
  ],
  nfs_server: [
    'Check the server and the network to it: `rpcinfo -p SERVER`, `nfsstat -rc` (retransmissions), `rpcdebug -m rpc -s call` for a few seconds, then `-c` to clear.',
    'The waiting tasks sleep killably: `kill -9` ends them; for mounts that must not hang the client, consider `soft,timeo=…` (at the risk of IO errors).',
  ],
  fuse_daemon: [
    "Find the FUSE daemon and what it is doing: `ls /sys/fs/fuse/connections/` (one per mount), `cat /sys/fs/fuse/connections/N/waiting` (requests it has not answered), and the daemon's own stacks (`cat /proc/PID/stack` of each of its threads, or gdb on it).",
    'If the daemon is gone or stuck for good: `echo 1 > /sys/fs/fuse/connections/N/abort` fails the waiting requests, then `umount -l` the mount.',
  ],
  netfs_server: [
    'Check the server and the session: for SMB `cat /proc/fs/cifs/DebugData` (connection state, requests in flight), for Ceph `ceph -s` and the MDS/OSD the requests wait on (`cat /sys/kernel/debug/ceph/*/mdsc` and `osdc`).',
    'The client\'s log: `dmesg` for reconnects, timeouts and "server not responding".',
  ],
  memory_reclaim: [
    'Look at memory at the time: `cat /proc/meminfo`, `cat /proc/pressure/memory`, `vmstat 1`, and in a container its memory.current / memory.max and memory.events (oom, high).',
    "Capture what reclaim is doing: `echo m > /proc/sysrq-trigger` (memory state to dmesg), kswapd's stack (`cat /proc/$(pgrep kswapd0)/stack`).",
  ],
  gpu_fence: [
    "Check the GPU: driver messages in `dmesg` (GPU hang, ring timeout, reset), and the driver's debugfs (`/sys/kernel/debug/dri/0/` — i915_gpu_info, amdgpu_fence_info).",
    'A display wait (flip, vblank) that never ends can be a stuck display engine or a disconnected output: note the connector state in `/sys/class/drm/*/status`.',
  ],
  frozen_task: [
    'It is frozen, not hung: find the freezer — a cgroup (`cat /sys/fs/cgroup/…/cgroup.freeze` or `freezer.state` under the task\'s cgroup from `/proc/PID/cgroup`) or a suspend/hibernate in progress (`dmesg` for "Freezing user space processes").',
    'Thaw it: `echo 0 > …/cgroup.freeze` (v2) or `echo THAWED > …/freezer.state` (v1); container runtimes do this with `pause`/`unpause`.',
  ],
  userfault_handler: [
    'The page fault waits for the process that registered the userfaultfd (a VM migration, CRIU, a memory manager): find it (`ls -l /proc/*/fd | grep userfaultfd`) and see why it does not serve the fault.',
  ],
  hung_task_general: [
    'Capture all blocked tasks: `echo w > /proc/sysrq-trigger` and save `dmesg`; with lockdep, `echo d > /proc/sysrq-trigger` for the locks held.',
    'For a vmcore next time: `kernel.hung_task_panic=1` with kdump, then `foreach UN bt` in crash.',
  ],
};

/** What to capture next for a root blocker outside the machine's tasks, by its node id. */
export const EXTERNAL_SITUATIONS: Partial<Record<string, Situation>> = {
  'external:storage': 'storage_io',
  'external:nfs-server': 'nfs_server',
  'external:fuse-daemon': 'fuse_daemon',
  'external:netfs-server': 'netfs_server',
  'external:memory': 'memory_reclaim',
  'external:gpu': 'gpu_fence',
  'external:freezer': 'frozen_task',
  'external:userfaultfd': 'userfault_handler',
};

export function nextSteps(
  situation: Situation,
  vars: Record<string, string | number | null | undefined> = {},
): string[] {
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

/**
 * Which flags of scripts/hangscope-collect give each next step, and the sections of its
 * output the step's answer is in: one entry per step of NEXT_STEPS (same order), null
 * for a step the collector cannot take (crash on a vmcore, the host of a VM, the storage
 * array, a setting for next time). `{pid}` in a flag is the finding's task.
 *
 * The sysrq keys are the ones the steps' text names (Documentation/admin-guide/sysrq.rst):
 * w blocked tasks, t all tasks and (since 4.0, show_workqueue_state) the busy workqueues,
 * l all CPUs' backtraces, d the locks held (CONFIG_LOCKDEP), m memory.
 */
const src = (flags: string[], sections: string[]): CollectorSource => ({ flags, sections });
export const NEXT_STEP_SOURCES: Record<Situation, (CollectorSource | null)[]> = {
  // Every task in D state is read without a flag.
  no_capture: [
    src([], ['/proc/PID/stack', '/proc/PID/status']),
    src(['--sysrq=w'], ['dmesg']),
    src([], ['dmesg']),
    null,
  ],
  flush_no_runner: [src(['--sysrq=wt'], ['dmesg', 'workqueues']), src(['--sysrq=t'], ['dmesg']), null],
  lock_no_owner: [null, null, src(['--sysrq=d'], ['dmesg', '/proc/lockdep'])],
  ipi_unknown_target: [null, src(['--sysrq=l'], ['dmesg']), null],
  stuck_cpu_no_stack: [src(['--sysrq=l'], ['dmesg', '/proc/sched_debug']), null],
  single_stack: [src(['--sysrq=w', '--pid {pid}'], ['dmesg', '/proc/PID/stack']), null],
  // A second capture of the polling task's stack tells a loop (same stack) from progress.
  poll_external: [null, src(['--pid {pid}'], ['/proc/PID/stack', '/proc/PID/wchan'])],
  rcu_stall: [src(['--sysrq=l'], ['dmesg', '/proc/sched_debug']), null],
  rcu_gp_starved: [src([], ['/proc/sched_debug', '/proc/pressure/cpu']), src(['--sysrq=l'], ['dmesg'])],
  starved_vcpu: [null, src([], ['/proc/sched_debug', '/proc/pressure/cpu'])],
  storage_io: [src([], ['dmesg', '/proc/pressure/io']), null, null],
  nfs_server: [null, null],
  fuse_daemon: [src(['--pid {pid}'], ['/proc/PID/task/TID/stack']), null],
  netfs_server: [null, src([], ['dmesg'])],
  memory_reclaim: [src([], ['/proc/pressure/memory']), src(['--sysrq=m'], ['dmesg'])],
  gpu_fence: [src([], ['dmesg']), null],
  frozen_task: [src([], ['dmesg']), null],
  userfault_handler: [null],
  hung_task_general: [src(['--sysrq=wd'], ['dmesg', '/proc/lockdep']), null],
  // The whole report is in the kernel log the collector saves.
  lockdep_cut: [src([], ['dmesg'])],
};

export interface NextStepFields {
  nextSteps: string[];
  /** For each next step, what of the collector gives it (null: nothing). */
  collect: (CollectorSource | null)[];
}

/** A finding's next steps and, for each, the collector flags and sections that give it. */
export function nextStepFields(
  situation: Situation,
  vars: Record<string, string | number | null | undefined> = {},
): NextStepFields {
  const pid = vars.pid;
  const known = typeof pid === 'number' || (typeof pid === 'string' && /^\d{1,9}$/.test(pid));
  return {
    nextSteps: nextSteps(situation, vars),
    collect: NEXT_STEP_SOURCES[situation].map((c) =>
      c === null
        ? null
        : {
            // A flag for a task the finding does not name is left out (the fuse daemon's
            // pid is the user's to give), not sent with a placeholder.
            flags: c.flags.flatMap((f) =>
              f.includes('{pid}') ? (known ? [f.replace('{pid}', String(pid))] : []) : [f],
            ),
            sections: c.sections,
          },
    ),
  };
}

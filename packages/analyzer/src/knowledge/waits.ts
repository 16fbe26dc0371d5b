// Wait semantics: which frame on a stack means which kind of wait. One row per fact,
// each naming the kernel function it describes. The engine (waits/find.ts) walks a
// task's frames innermost-first, skips GENERIC frames, and takes the first row that
// matches; CALLER_RULES then refine the target from the frames below it.

import { RulesByFirstChar } from './first-chars.js';
import { symbolName } from './symbol.js';
import type { LockType } from '../contract.js';
import { SOCKET_LOCK_WAIT_FRAMES } from './socket-locks.js';

export type WaitKind =
  | 'lock'
  | 'flush_work'
  | 'flush_workqueue'
  | 'completion'
  | 'ipi'
  | 'stop_machine'
  | 'rcu'
  | 'ttwu_on_cpu'
  | 'io'
  | 'fs_journal'
  | 'nfs'
  | 'blk_freeze'
  | 'queue_enter'
  | 'log_space'
  | 'device'
  | 'netdev_ref'
  | 'poll_sleep'
  | 'event'
  | 'kthread'
  | 'fuse'
  | 'netfs'
  | 'writeback'
  | 'reclaim'
  | 'gpu'
  | 'frozen'
  | 'userfault'
  | 'automount'
  | 'exiting_tasks'
  | 'async'
  | 'md'
  | 'runtime_pm';

export interface WaitRule {
  /** Function name (exact) or pattern. */
  fn: string | RegExp;
  kind: WaitKind;
  lockType?: LockType;
  /** For rwsem: the side being taken. */
  mode?: 'read' | 'write';
  /** The CPU spins (does not sleep): a stuck CPU, not a D task. */
  spins?: boolean;
  /** The task sleeps in this wait (it is never a busy loop): a task found running on a
   *  CPU with this frame on its stack is doing something else there (the ratelimit
   *  check of balance_dirty_pages_ratelimited, a FUSE request being built). */
  sleeps?: boolean;
  /** Interrupts are disabled while spinning (a hard-lockup candidate). */
  irqsOff?: boolean;
  /** Register that holds the lock/csd address at this function's entry, per arch. */
  argReg?: Partial<Record<'x86_64' | 'arm64', string>>;
  /** What is waited for, in words (used in edges' `why`). */
  what: string;
}

const RDI = { x86_64: 'rdi', arm64: 'x0' };

/**
 * Frames that say nothing about what is awaited: the scheduler, generic sleep and
 * completion plumbing, stack-switch and entry code. Skipped when naming the wait.
 */
export const GENERIC_FRAMES: RegExp[] = [
  /^(?:__)?schedule(?:_timeout(?:_uninterruptible|_interruptible|_killable|_idle)?|_preempt_disabled|_hrtimeout(?:_range(?:_clock)?)?|_idle)?$/,
  /^preempt_schedule(?:_common|_irq|_notrace)?$/,
  // 2.6.x x86_64 schedule() as old traces print it: `thread_return`, the label switch_to()
  // puts after the context switch (include/asm-x86_64/system.h, arch/x86/include/asm/system.h
  // to 3.x); `.text.lock.<file>`, the out-of-line slow paths of a file's locks
  // (LOCK_SECTION_NAME, include/linux/spinlock.h, 2.6.x), `.text.lock.mutex` mutex_lock's.
  // (symbolName drops the leading dot, as for powerpc ABI v1 names.)
  /^(?:thread_return|\.?text\.lock\.\w{1,64})$/,
  /^__switch_to(?:_asm)?$/,
  /^(?:context_switch|finish_task_switch(?:\.isra\.\d+)?|__switch_to_xtra|ret_from_fork(?:_asm|_nospec_begin|_nospec_end)?|kthread|worker_thread|process_one_work|smpboot_thread_fn)$/,
  /^(?:io_schedule(?:_timeout)?|bit_wait(?:_io)?|bit_wait_timeout|out_of_line_wait_on_bit(?:_lock)?|__wait_on_bit(?:_lock)?)$/,
  // wait_for_completion_state(): 5.17+ (kernel/sched/completion.c), what synchronize_rcu,
  // kthread_stop and others call on 6.x.
  /^(?:wait_for_completion(?:_timeout|_interruptible|_killable|_io|_io_timeout|_interruptible_timeout|_killable_timeout|_state)?|__wait_for_common|wait_for_common(?:_io)?|do_wait_for_common)$/,
  /^(?:prepare_to_wait(?:_event|_exclusive)?|finish_wait|__wait_event.*|wait_woken|do_nanosleep|hrtimer_nanosleep)$/,
  /^(?:entry_SYSCALL_64.*|do_syscall_64|system_call_fastpath|el0_svc.*|el0t_64_sync.*|do_el0_svc|invoke_syscall|__arm64_sys_.*|__x64_sys_.*|__do_sys_.*|__se_sys_.*|SyS_.*|sys_.*)$/,
  // 32-bit and compat syscall entry (x86 `int $0x80`, sysenter, syscall), and 6.x's dispatcher.
  /^(?:entry_(?:SYSENTER|SYSCALL|INT80)_(?:compat|32).*|do_(?:fast|int80)_syscall_32|do_syscall_32_irqs_(?:on|off)|ia32_sysenter_target|ia32_syscall|system_call|x64_sys_call|__ia32_sys_.*|__ia32_compat_sys_.*|__x64_compat_sys_.*|compat_SyS_.*|C_SYSC_.*)$/,
  /^(?:asm_.*|apic_timer_interrupt|smp_apic_timer_interrupt|sysvec_.*|irq_exit(?:_rcu)?|__irq_exit_rcu|do_IRQ|common_interrupt|ret_from_intr|retint_.*)$/,
  // powerpc's interrupt entry and soft-mask replay (arch/powerpc/kernel/exceptions-64s.S,
  // entry_64.S, irq.c / irq_64.c, time.c): `--- interrupt: 901 at replay_interrupt_return`
  // marks where the interrupt came in, not what the CPU was doing.
  /^(?:replay_interrupt_return|replay_soft_interrupts|__replay_soft_interrupts|arch_local_irq_restore(?:\.part\.\d+)?|decrementer_common(?:_virt)?|hardware_interrupt_common(?:_virt)?|timer_interrupt|__do_irq|call_do_irq|do_softirq_own_stack|interrupt_return(?:_srr|_hsrr)?(?:_user|_kernel)?|ret_from_except(?:_lite)?|fast_exception_return|restore_check_irq_replay)$/,
  // sparc64's interrupt entry (arch/sparc/kernel/ttable_64.S tl0_irqN/tl1_irqN, irq_64.c
  // handler_irq, the 2.6 timer tick smp_percpu_timer_interrupt in smp.c, rtrap_64.S; 2.6.24+
  // ticks in timer_interrupt, listed with powerpc's above): where the tick came in, not what
  // the CPU was doing.
  /^(?:tl[01]_irq\d{1,2}|tl[01]_ivec|handler_irq|smp_percpu_timer_interrupt|rtrap(?:_irq|_xcall|_clr_l6)?|etrap_irq)$/,
  // Softirq plumbing: the handler it runs (net_rx_action → br_handle_frame …) says what runs.
  /^(?:__do_softirq|do_softirq(?:\.part\.\d+)?|do_softirq_own_stack|invoke_softirq|__local_bh_enable_ip|local_bh_enable|run_ksoftirqd|handle_softirqs|call_on_irqstack|run_on_irqstack_cond)$/,
  /^(?:__cond_resched|_cond_resched|cond_resched|preempt_count_.*|lock_acquire|lock_release|lock_is_held_type|__might_sleep|___might_sleep|__might_resched)$/,
  // PREEMPT_RT's sleeping-lock plumbing (kernel/locking/rtmutex.c, rwbase_rt.c,
  // kernel/sched/core.c rt_mutex_schedule, schedule_rtlock): mutexes, rw_semaphores, spinlock_t and
  // rwlock_t all block here; the caller (mutex_lock, down_write, rt_spin_lock,
  // rt_write_lock) says which lock.
  /^(?:rt_mutex_schedule|schedule_rtlock|rt_mutex_slowlock_block|__rt_mutex_slowlock(?:_locked)?|rt_mutex_slowlock|__rt_mutex_lock|rtlock_slowlock(?:_locked)?|rtlock_schedule|rwbase_(?:read|write)_lock|__rwbase_read_lock)(?:\.(?:constprop|isra|part)\.\d+)*$/,
  // Report plumbing: the code that prints the report, not what the task was doing.
  // Unwinders (arm, arm64, riscv), lockdep's checks and the debug spinlock's report
  // (kernel/locking/spinlock_debug.c spin_dump, spin_bug, rwlock_bug) included; a compiler suffix
  // (`print_circular_bug.isra.36.cold.53`) is the same function.
  /^(?:(?:__?)?dump_stack(?:_lvl)?|show_stack|show_trace_log_lvl|sched_show_task|print_circular_bug|check_noncircular|check_prevs?_add|validate_chain|__lock_acquire|lock_acquire\.part\.\d+|print_usage_bug|mark_lock|lockdep_\w+|debug_show_(?:all|held)_locks|panic|nmi_panic|nmi_cpu_backtrace|nmi_trigger_cpumask_backtrace|arch_trigger_cpumask_backtrace|watchdog_timer_fn|watchdog_overflow_callback|__hrtimer_run_queues|hrtimer_interrupt|__sysvec_apic_timer_interrupt|warn_slowpath_.*|__warn|report_bug|dump_backtrace|unwind_backtrace|walk_stackframe|show_regs|print_bad_irq_dependency|print_irq_inversion_bug|check_irq_usage|check_usage(?:_forwards|_backwards)?|check_deadlock|print_deadlock_bug|mark_lock_irq|spin_dump|spin_bug|rwlock_bug)(?:\.(?:cold|part|isra|constprop)(?:\.\d+)?)*$/,
];

const GENERIC_BY_FIRST = new RulesByFirstChar(GENERIC_FRAMES, (re) => re);

// A run asks each name once, through its frame table (knowledge/by-name.ts).
export function isGenericFrame(fn: string): boolean {
  const name = symbolName(fn);
  return GENERIC_BY_FIRST.for(name).some((re) => re.test(name));
}

export const WAIT_RULES: WaitRule[] = [
  // --- sleeping locks (kernel/locking/mutex.c, rwsem.c, semaphore.c, ww_mutex) ---
  {
    fn: /^(?:__)?ww_mutex_lock(?:_slowpath|_interruptible(?:_slowpath)?)?$/,
    kind: 'lock',
    lockType: 'ww_mutex',
    argReg: RDI,
    what: 'a ww_mutex',
  },
  {
    fn: /^__ww_mutex_lock(?:\.constprop\.\d+|\.isra\.\d+)?$/,
    kind: 'lock',
    lockType: 'ww_mutex',
    argReg: RDI,
    what: 'a ww_mutex',
  },
  // ttm_eu_reserve_buffers takes each buffer's reservation ww_mutex (drivers/gpu/drm/ttm/ttm_execbuf_util.c).
  {
    fn: /^(?:ttm_eu_reserve_buffers|ttm_bo_reserve(?:_slowpath)?|dma_resv_lock(?:_slow)?(?:_interruptible)?|drm_modeset_lock)$/,
    kind: 'lock',
    lockType: 'ww_mutex',
    what: 'a reservation ww_mutex',
  },
  {
    fn: /^(?:__mutex_lock(?:_slowpath|_common|_killable_slowpath|_interruptible_slowpath)?(?:\.constprop\.\d+|\.isra\.\d+)?|mutex_lock(?:_nested|_killable|_interruptible|_io)?(?:_nested)?|mutex_lock_killable_nested|mutex_lock_interruptible_nested)$/,
    kind: 'lock',
    lockType: 'mutex',
    argReg: RDI,
    what: 'a mutex',
  },
  {
    fn: /^(?:rt_mutex_lock(?:_nested|_interruptible|_killable)?|rt_spin_lock(?:_nested)?)$/,
    kind: 'lock',
    lockType: 'mutex',
    what: 'an rt_mutex',
  },
  // An rwlock_t on PREEMPT_RT is an rwbase lock that sleeps (kernel/locking/spinlock_rt.c).
  {
    fn: /^(?:rt_read_lock|rt_write_lock(?:_nested)?)$/,
    kind: 'lock',
    lockType: 'rwlock',
    what: 'an rwlock_t (a sleeping lock on PREEMPT_RT)',
  },
  {
    fn: /^(?:down_read(?:_killable|_interruptible|_nested|_trylock)?|rwsem_down_read_slowpath|rwsem_down_read_failed(?:_killable)?|call_rwsem_down_read_failed|__down_read(?:_common|_killable)?|percpu_down_read(?:_internal)?|__percpu_down_read)$/,
    kind: 'lock',
    lockType: 'rwsem',
    mode: 'read',
    argReg: RDI,
    what: 'an rw_semaphore (read)',
  },
  {
    fn: /^(?:down_write(?:_killable|_nested|_trylock)?|rwsem_down_write_slowpath|rwsem_down_write_failed(?:_killable)?|call_rwsem_down_write_failed|__down_write(?:_common|_killable)?|percpu_down_write)$/,
    kind: 'lock',
    lockType: 'rwsem',
    mode: 'write',
    argReg: RDI,
    what: 'an rw_semaphore (write)',
  },
  {
    fn: /^(?:down|down_interruptible|down_killable|down_timeout|__down(?:_common|_interruptible|_killable|_timeout)?)$/,
    kind: 'lock',
    lockType: 'semaphore',
    argReg: RDI,
    what: 'a semaphore',
  },
  // The tty line-discipline semaphore (drivers/tty/tty_ldsem.c): an rwsem of its own.
  {
    fn: /^(?:ldsem_down_read(?:_nested|_trylock)?|down_read_failed)$/,
    kind: 'lock',
    lockType: 'rwsem',
    mode: 'read',
    argReg: RDI,
    what: 'the tty line-discipline semaphore (read)',
  },
  {
    fn: /^(?:ldsem_down_write(?:_nested|_trylock)?|down_write_failed)$/,
    kind: 'lock',
    lockType: 'rwsem',
    mode: 'write',
    argReg: RDI,
    what: 'the tty line-discipline semaphore (write)',
  },
  // A socket owned by another context (net/core/sock.c __lock_sock, lock_sock_nested,
  // lock_sock_fast; knowledge/socket-locks.ts): the task sleeps until release_sock().
  {
    fn: SOCKET_LOCK_WAIT_FRAMES,
    kind: 'lock',
    lockType: 'other',
    what: 'a socket lock (the socket is owned by another context)',
  },
  // --- spinning locks (kernel/locking/qspinlock.c, spinlock.c) ---
  {
    fn: /^(?:native_queued_spin_lock_slowpath|__pv_queued_spin_lock_slowpath|queued_spin_lock_slowpath|pv_queued_spin_lock_slowpath|do_raw_spin_lock|__raw_spin_lock|_raw_spin_lock|arch_spin_lock|__ticket_spin_lock|_spin_lock)(?:\.part\.\d+)?$/,
    kind: 'lock',
    lockType: 'spinlock',
    spins: true,
    argReg: RDI,
    what: 'a spinlock',
  },
  {
    fn: /^(?:_raw_spin_lock_irqsave|_raw_spin_lock_irq|__raw_spin_lock_irqsave|_spin_lock_irqsave|_spin_lock_irq)$/,
    kind: 'lock',
    lockType: 'spinlock',
    spins: true,
    irqsOff: true,
    argReg: RDI,
    what: 'a spinlock with interrupts off',
  },
  {
    fn: /^(?:_raw_spin_lock_bh|__raw_spin_lock_bh)$/,
    kind: 'lock',
    lockType: 'spinlock',
    spins: true,
    argReg: RDI,
    what: 'a spinlock (bottom halves off)',
  },
  {
    fn: /^(?:queued_(?:read|write)_lock_slowpath|_raw_(?:read|write)_lock(?:_irqsave|_irq|_bh)?|do_raw_(?:read|write)_lock)$/,
    kind: 'lock',
    lockType: 'rwlock',
    spins: true,
    argReg: RDI,
    what: 'an rwlock',
  },
  {
    fn: /^(?:bit_spin_lock|__bit_spin_lock|hlist_bl_lock)$/,
    kind: 'lock',
    lockType: 'spinlock',
    spins: true,
    what: 'a bit spinlock',
  },
  // --- workqueue flushes (kernel/workqueue.c) ---
  {
    fn: /^(?:__flush_work(?:\.isra\.\d+)?|flush_work|flush_delayed_work|__cancel_work_timer|cancel_work_sync|cancel_delayed_work_sync|work_on_cpu(?:_key|_safe(?:_key)?)?|flush_rcu_work)$/,
    kind: 'flush_work',
    what: 'a work item to finish',
  },
  {
    fn: /^(?:flush_workqueue|__flush_workqueue|drain_workqueue|flush_scheduled_work|destroy_workqueue)$/,
    kind: 'flush_workqueue',
    what: 'a workqueue to drain',
  },
  // kernel/async.c: async_synchronize_*() sleep on async_done until every async entry
  // scheduled before them (async_schedule*: a driver's async probe or host scan) has
  // run. Module load (do_init_module) and unload (delete_module, 4.x) call
  // async_synchronize_full(); async entries call it to wait for earlier ones.
  {
    fn: /^(?:async_synchronize_full(?:_domain)?|async_synchronize_cookie(?:_domain)?)$/,
    kind: 'async',
    what: 'earlier asynchronous function calls (async probes, scans) to finish',
  },
  {
    fn: /^(?:kthread_flush_work|kthread_flush_worker|kthread_cancel_work_sync|__kthread_cancel_work_sync)$/,
    kind: 'flush_work',
    what: 'a kthread work item to finish',
  },
  // --- cross-CPU calls (kernel/smp.c) ---
  {
    fn: /^(?:csd_lock_wait|__csd_lock_wait|csd_lock_wait_toolong|smp_call_function_many(?:_cond)?|smp_call_function_single|smp_call_function|on_each_cpu(?:_mask|_cond|_cond_mask)?|native_flush_tlb_others|native_flush_tlb_multi|flush_tlb_others|smp_call_function_any|generic_exec_single)$/,
    kind: 'ipi',
    spins: true,
    what: 'other CPUs to answer a cross-CPU call (IPI)',
  },
  // --- stop_machine (kernel/stop_machine.c) ---
  {
    fn: /^(?:stop_machine(?:_cpuslocked)?|stop_cpus|__stop_cpus|stop_one_cpu|stop_two_cpus|multi_cpu_stop)$/,
    kind: 'stop_machine',
    what: 'the CPU stopper threads',
  },
  // --- RCU (kernel/rcu/tree.c) ---
  {
    fn: /^(?:synchronize_rcu(?:_expedited|_normal)?|synchronize_sched(?:_expedited)?|synchronize_srcu(?:_expedited)?|__synchronize_srcu(?:\.part\.\d+)?|rcu_barrier(?:_tasks|_sched|_bh)?|_rcu_barrier|synchronize_rcu_tasks(?:_generic)?|wait_rcu_gp|__wait_rcu_gp|exp_funnel_lock|synchronize_net)$/,
    kind: 'rcu',
    what: 'an RCU grace period',
  },
  // --- waking a task still on its CPU (kernel/sched/core.c: while (p->on_cpu) cpu_relax()) ---
  { fn: /^try_to_wake_up$/, kind: 'ttwu_on_cpu', spins: true, what: 'the woken task to get off its CPU (p->on_cpu)' },
  // --- page, folio and buffer IO (mm/filemap.c, fs/buffer.c) ---
  {
    fn: /^(?:wait_on_page_bit(?:_common|_killable)?|__lock_page(?:_killable|_or_retry)?|__folio_lock(?:_killable|_or_retry)?|folio_wait_bit(?:_common|_killable)?|folio_wait_writeback|wait_on_page_writeback|__wait_on_buffer|wait_on_buffer|__lock_buffer|lock_page|folio_lock|sync_page|sleep_on_page|sleep_on_buffer|io_schedule_prepare|blk_mq_get_tag|get_request|__get_request_wait|blk_execute_rq|blk_wait_io|submit_bio_wait|wait_on_page_locked)$/,
    kind: 'io',
    what: 'page/buffer IO to complete',
  },
  // --- XFS log space (fs/xfs/xfs_log.c): reservations wait until xfsaild moves the tail ---
  {
    fn: /^(?:xlog_grant_head_wait|xlog_grant_head_check|xfs_log_reserve|xfs_log_regrant)$/,
    kind: 'log_space',
    what: 'log reservation space (the log tail to move)',
  },
  // A log buffer write in flight: the storage must complete it.
  { fn: /^(?:xlog_wait_on_iclog|xlog_state_get_iclog_space|xlog_wait)$/, kind: 'io', what: 'a log write to complete' },
  // --- filesystem journals (fs/jbd2) ---
  {
    fn: /^(?:jbd2_log_wait_commit|wait_transaction_locked|add_transaction_credits|start_this_handle|jbd2__journal_start|jbd2_journal_stop|jbd2_log_do_checkpoint|__jbd2_log_wait_for_space|xlog_wait|xlog_cil_force_lsn|xfs_log_force(?:_lsn)?|_xfs_log_force(?:_lsn)?|btrfs_wait_.*|wait_current_trans|btrfs_commit_transaction)$/,
    kind: 'fs_journal',
    what: 'a filesystem journal commit',
  },
  // --- NFS / SunRPC ---
  {
    fn: /^(?:rpc_wait_bit_killable|__rpc_execute|rpc_execute|rpc_run_task|nfs_wait_bit_killable|nfs4_wait_clnt_recover|nfs_wait_on_request|nfs4_run_open_task|nfs_file_fsync|nfs4_do_close)$/,
    kind: 'nfs',
    what: 'an NFS/RPC server reply',
  },
  // net/sunrpc/clnt.c rpc_shutdown_client: kills the client's tasks (rpc_killall_tasks)
  // and sleeps until its task list is empty (wait_event_timeout on destroy_wait).
  {
    fn: /^rpc_shutdown_client$/,
    kind: 'nfs',
    what: "the RPC client's tasks to exit (rpc_shutdown_client kills them and waits)",
  },
  // --- FUSE (fs/fuse/dev.c): a request waits for the userspace daemon to answer it ---
  {
    fn: /^(?:request_wait_answer|__fuse_request_send|fuse_request_send|fuse_simple_request|fuse_wait_aborted|fuse_request_alloc|fuse_get_req|__fuse_get_req)$/,
    kind: 'fuse',
    sleeps: true,
    what: 'the FUSE daemon (userspace) to answer a request',
  },
  // drivers/char/ipmi/ipmi_msghandler.c (4.15+): __get_device_id and __get_guid send a Get
  // Device ID / Get Device GUID to the BMC and wait_event() for its answer — a BMC in reset
  // or firmware update keeps them there until the request times out.
  { fn: /^(?:__get_device_id|__get_guid)$/, kind: 'device', what: 'the BMC (IPMI) to answer a request' },
  // --- other network filesystems: SMB/CIFS (fs/smb/client), Ceph, 9p ---
  {
    fn: /^(?:wait_for_compound_request|compound_send_recv|cifs_send_recv|SendReceive2?|smb2_reconnect|cifs_reconnect_tcon|ceph_mdsc_do_request|ceph_osdc_wait_request|ceph_osdc_sync|ceph_mdsc_sync|p9_client_rpc|p9_client_zc_rpc)$/,
    kind: 'netfs',
    sleeps: true,
    what: 'a network filesystem server (SMB / Ceph / 9p) to reply',
  },
  // --- dirty-page writeback (mm/page-writeback.c, fs/fs-writeback.c): throttled writers and
  //     sync wait for the flusher to write pages back ---
  {
    fn: /^(?:balance_dirty_pages(?:_ratelimited(?:_flags)?)?|wb_wait_for_completion|sync_inodes_sb|__writeback_inodes_sb_nr|writeback_inodes_sb(?:_nr)?|wait_sb_inodes|inode_wait_for_writeback|__inode_wait_for_writeback|filemap_fdatawait(?:_range|_keep_errors)?|__filemap_fdatawait_range|folio_wait_stable|wait_for_stable_page)$/,
    kind: 'writeback',
    sleeps: true,
    what: 'dirty pages to be written back',
  },
  // --- memory reclaim throttling (mm/vmscan.c, mm/backing-dev.c) ---
  {
    fn: /^(?:throttle_direct_reclaim|reclaim_throttle|congestion_wait|wait_iff_congested|too_many_isolated|mem_cgroup_oom_synchronize)$/,
    kind: 'reclaim',
    sleeps: true,
    what: 'memory to be reclaimed (reclaim throttling)',
  },
  // --- GPU fences and display (drivers/dma-buf, drivers/gpu/drm) ---
  {
    fn: /^(?:dma_fence_default_wait|dma_fence_wait_timeout|dma_fence_wait_any_timeout|dma_resv_wait_timeout(?:_rcu)?|i915_request_wait(?:_timeout)?|drm_atomic_helper_wait_for_flip_done|drm_atomic_helper_wait_for_vblanks|drm_atomic_helper_wait_for_dependencies|drm_crtc_commit_wait|drm_wait_vblank_ioctl|amdgpu_fence_wait_empty|nouveau_fence_wait|ttm_bo_wait(?:_ctx)?)$/,
    kind: 'gpu',
    sleeps: true,
    what: 'the GPU (a fence or a display flip)',
  },
  // --- the freezer (kernel/freezer.c): a frozen task sleeps here until thawed ---
  {
    fn: /^(?:__refrigerator|refrigerator|try_to_freeze_unsafe)$/,
    kind: 'frozen',
    sleeps: true,
    what: 'the freezer to thaw it (it is frozen: cgroup freezer or suspend)',
  },
  // --- userfaultfd (fs/userfaultfd.c): a fault waits for the userspace handler ---
  {
    fn: /^handle_userfault$/,
    kind: 'userfault',
    sleeps: true,
    what: 'the userfaultfd handler (userspace) to resolve a page fault',
  },
  // --- autofs (fs/autofs/waitq.c): a path walk waits for the automount daemon ---
  {
    fn: /^(?:autofs_wait|autofs4_wait|autofs_mount_wait|autofs_expire_wait)$/,
    kind: 'automount',
    sleeps: true,
    what: 'the automount daemon to mount the path',
  },
  // --- md RAID (drivers/md): barriers and stripes wait for resync or member IO ---
  {
    fn: /^(?:wait_barrier|_wait_barrier|wait_read_barrier|raise_barrier|freeze_array|raid5_get_active_stripe|md_write_start|md_wait_for_blocked_rdev|md_super_wait|mddev_suspend)$/,
    kind: 'md',
    sleeps: true,
    what: 'the md RAID array (resync, superblock or member IO)',
  },
  // --- blk-mq queue freeze (block/blk-mq.c) ---
  {
    fn: /^(?:blk_mq_freeze_queue_wait(?:_timeout)?|blk_mq_freeze_queue|blk_freeze_queue|blk_mq_quiesce_queue)$/,
    kind: 'blk_freeze',
    what: 'the requests in flight to complete (queue freeze)',
  },
  // New IO on a frozen queue waits for whoever froze it to unfreeze (block/blk-core.c).
  {
    fn: /^(?:blk_queue_enter|__bio_queue_enter|bio_queue_enter|blk_mq_alloc_request)$/,
    kind: 'queue_enter',
    what: 'the request queue to be unfrozen',
  },
  // --- synchronous device commands: the task waits for the hardware to answer ---
  {
    fn: /^(?:usb_sg_wait|usb_start_wait_urb|usb_bulk_msg|usb_control_msg|usb_kill_urb|scsi_execute(?:_cmd)?|__scsi_execute|blk_execute_rq|nvme_submit_sync_cmd|__nvme_submit_sync_cmd|ata_exec_internal(?:_sg)?|mmc_wait_for_req(?:_done)?|mmc_wait_for_cmd|i2c_transfer|__i2c_transfer|spi_sync|sdio_io_rw_ext_helper|mlx5_cmd_exec|mlx5_cmd_invoke|wait_for_device_probe)$/,
    kind: 'device',
    what: 'a device to answer a command',
  },
  // --- polling loops: the task sleeps and retries until hardware or state changes ---
  {
    fn: /^(?:msleep|msleep_interruptible|usleep_range(?:_state)?|ssleep|schedule_hrtimeout_range|fsleep|udelay|mdelay|__udelay|__const_udelay|delay_tsc|read_poll_timeout)$/,
    kind: 'poll_sleep',
    what: 'a polling loop (sleep and retry)',
  },
  // --- network device teardown: waits for every reference to the device to be dropped ---
  {
    fn: /^(?:netdev_wait_allrefs(?:_any)?|rollback_registered_many)$/,
    kind: 'netdev_ref',
    what: 'the last references to a network device to be dropped',
  },
  // --- DAX mapping entries (fs/dax.c): a fault or truncate sleeps until the entry's lock
  // bit is cleared; the holder wakes it with dax_wake_entry() (get_unlocked_mapping_entry
  // before 4.19's XArray conversion, get_unlocked_entry / wait_entry_unlocked since).
  {
    fn: /^(?:get_unlocked_mapping_entry|get_unlocked_entry|wait_entry_unlocked(?:_exclusive)?)$/,
    kind: 'event',
    sleeps: true,
    what: 'a locked DAX mapping entry to be unlocked',
  },
  // An MMC/SDIO host is claimed by one context at a time: __mmc_claim_host sleeps until
  // the claimer calls mmc_release_host (drivers/mmc/core/core.c).
  {
    fn: /^__mmc_claim_host$/,
    kind: 'event',
    sleeps: true,
    what: 'the MMC/SDIO host to be released by the context that claimed it',
  },
  // --- tasks that have to exit first ---
  // kernel/pid_namespace.c zap_pid_ns_processes: the exiting init of a PID namespace kills
  // the namespace's other tasks, then reaps them (kernel_wait4 → do_wait) and sleeps until
  // none is left. fs/exec.c de_thread: exec kills the other threads of its process and
  // sleeps until they have exited (notify_count).
  {
    fn: /^(?:zap_pid_ns_processes|de_thread)$/,
    kind: 'exiting_tasks',
    sleeps: true,
    what: 'other tasks (of its PID namespace, or its own threads) to exit',
  },
  // --- runtime PM (drivers/base/power/runtime.c, 2.6.32+) ---
  // rpm_resume()/rpm_suspend() find the device already RPM_RESUMING or RPM_SUSPENDING and
  // sleep on dev->power.wait_queue until the task running that transition (inside
  // rpm_callback, the driver's runtime_resume/suspend) finishes it.
  {
    fn: /^(?:rpm_resume|rpm_suspend)$/,
    kind: 'runtime_pm',
    what: "the device's runtime PM transition that another task is running",
  },
  // --- kthreads ---
  { fn: /^(?:kthread_stop|kthread_park|__kthread_parkme)$/, kind: 'kthread', what: 'a kernel thread to stop' },
  // --- generic events (last: any other wait_event / completion) ---
  { fn: /^(?:wait_for_completion.*|__wait_for_common|wait_for_common)$/, kind: 'completion', what: 'a completion' },
  {
    fn: /^(?:pipe_wait|pipe_read|unix_stream_read_generic|sk_wait_data|inet_csk_accept|futex_wait_queue(?:_me)?|futex_wait|do_select|do_sys_poll|ep_poll|do_epoll_wait|n_tty_read|wait_woken)$/,
    kind: 'event',
    what: 'an event (interruptible sleep)',
  },
];

/** Functions that only sleep/relax inside the previous rule's loop: skip them too. */
export const SPIN_HELPERS: RegExp =
  /^(?:cpu_relax|rep_nop|native_safe_halt|pause|__delay|delay_tsc|kvm_wait|pv_wait|__pv_queued_spin_unlock_slowpath)$/;

/**
 * Generic waits that still say something when no specific frame names the wait: a task
 * in wait_for_completion waits for a completion, in io_schedule for IO.
 */
export const GENERIC_WAITS: { fn: RegExp; kind: WaitKind; what: string }[] = [
  {
    fn: /^(?:wait_for_completion.*|__wait_for_common|wait_for_common(?:_io)?|do_wait_for_common)$/,
    kind: 'completion',
    what: 'a completion',
  },
  { fn: /^(?:io_schedule(?:_timeout)?|bit_wait_io)$/, kind: 'io', what: 'IO to complete' },
];

/** The first WAIT_RULES row for `fn` (a run asks each name once: knowledge/by-name.ts). */
const WAIT_RULES_BY_FIRST = new RulesByFirstChar(WAIT_RULES, (r) => r.fn);

export function matchWaitRule(fn: string): WaitRule | null {
  const name = symbolName(fn);
  const rules = WAIT_RULES_BY_FIRST.for(name);
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k];
    if (typeof r.fn === 'string' ? r.fn === name : r.fn.test(name)) return r;
  }
  return null;
}

/**
 * Caller-specific knowledge: when a flush (or other wait) is reached from a known
 * caller, what it waits for is fixed by the kernel's code.
 */
export interface CallerRule {
  /** The wait kind this refines. */
  kind: WaitKind;
  /** A frame below (outer to) the wait frame, within `within` frames. */
  caller: RegExp;
  within: number;
  work?: string;
  wq?: string;
  /** The caller queues the work on each online CPU's pool of a per-CPU (bound) workqueue
   *  and flushes every one: each item runs only on its own CPU, so a CPU that schedules
   *  nothing else holds the flush up. */
  everyCpu?: true;
  source: string;
}

export const CALLER_RULES: CallerRule[] = [
  // mm/page_alloc.c: drain_all_pages queues drain_local_pages_wq on mm_percpu_wq for every
  // CPU with per-cpu pages, then flush_work()s each.
  {
    kind: 'flush_work',
    caller: /^(?:__)?drain_all_pages$/,
    within: 3,
    work: 'drain_local_pages_wq',
    wq: 'mm_percpu_wq',
    everyCpu: true,
    source: 'mm/page_alloc.c drain_all_pages',
  },
  // mm/swap.c: lru_add_drain_all queues lru_add_drain_per_cpu on mm_percpu_wq and flushes.
  {
    kind: 'flush_work',
    caller: /^(?:__)?lru_add_drain_all$/,
    within: 3,
    work: 'lru_add_drain_per_cpu',
    wq: 'mm_percpu_wq',
    everyCpu: true,
    source: 'mm/swap.c lru_add_drain_all',
  },
  // kernel/workqueue.c: work_on_cpu runs work_for_cpu_fn on system_wq ("events").
  {
    kind: 'flush_work',
    caller: /^work_on_cpu(?:_key|_safe(?:_key)?)?$/,
    within: 3,
    work: 'work_for_cpu_fn',
    wq: 'events',
    source: 'kernel/workqueue.c work_on_cpu_key',
  },
  // mm/vmstat.c: vmstat_refresh → schedule_on_each_cpu(refresh_vm_stats) on events.
  {
    kind: 'flush_work',
    caller: /^schedule_on_each_cpu$/,
    within: 3,
    wq: 'events',
    everyCpu: true,
    source: 'kernel/workqueue.c schedule_on_each_cpu',
  },
  // include/linux/workqueue.h: flush_scheduled_work() flushes system_wq ("events").
  {
    kind: 'flush_workqueue',
    caller: /^flush_scheduled_work$/,
    within: 2,
    wq: 'events',
    source: 'include/linux/workqueue.h flush_scheduled_work',
  },
  // kernel/workqueue.c: the wait frame itself may be flush_scheduled_work.
  {
    kind: 'flush_workqueue',
    caller: /^flush_scheduled_work$/,
    within: 0,
    wq: 'events',
    source: 'include/linux/workqueue.h flush_scheduled_work',
  },
];

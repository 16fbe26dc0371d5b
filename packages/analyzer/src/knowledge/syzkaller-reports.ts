// syzkaller's report table for Linux (google/syzkaller pkg/report/linux.go and
// report.go): which report kinds it knows, how it titles each (header regex, title
// format, alternative title, which stack region to read, which frames to skip), its
// global frame skip list and syscall-wrapper prefixes, and the frame regexes its stack
// walker uses. Data only: summary/title.ts is the engine that walks a report with it.

import type { Kind } from '../contract.js';

export type Part = { trace: true } | { re: RegExp };
export type Extractor = (frames: string[]) => string | null;

export interface ReportRule {
  kind: Exclude<Kind, 'blocked_tasks' | 'unknown'>;
  header: RegExp;
  /** Title with `%` for the frame; without `%` the title takes no frame. */
  fmt: string;
  /** syzkaller's `alt` format (`stall in %`). */
  alt?: string;
  parts?: Part[];
  /** Tried when `parts` yields no frame (syzkaller's parts2). */
  parts2?: Part[];
  skip?: string[];
  /** The captured frame is taken as is (syzkaller `report:` regexes, no skip list). */
  noSkip?: boolean;
  /** A report that a watchdog report of the same kind, when the text has one, names
   *  better (a CSD-lock timeout before the soft lockup it turns into). */
  weak?: boolean;
  extractor?: Extractor;
}

// syzkaller's {{FUNC}} and {{PC}}.
const FUNC = String.raw`([a-zA-Z0-9_]{1,128})(?:\.|\+)`;
const PC = String.raw`\[<?(?:0x)?[0-9a-f]{1,16}>?\]`;
const TRACE: Part = { trace: true };
const line = (re: string): Part => ({ re: new RegExp(re) });
/** linuxRipFrame: `RIP: 0010:fn+`, `IP: [<…>] fn+`, `pc : fn+`, `PC is at fn+`, `NIP […] fn+`. */
const RIP = line(
  String.raw`(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]{1,4}:)?(?:${PC} {1,4}){0,2}${FUNC}|(?:[0-9]{1,4}:)?0x[0-9a-f]{1,16})`,
);
const CALL_TRACE = line(String.raw`Call (?:T|t)race:|Backtrace:`);
const WHICH_BECAME = line(String.raw`which became .{1,64} at:`);
const AT_FUNC = line(String.raw`at: (?:${PC} {1,4})?${FUNC}`);
/** linuxStackParams.stackStartRes: a new stack starts (ends a `trace` part). */
export const STACK_START =
  /Call (?:T|t)race|Allocated:|Allocated by task \d|Freed:|Freed by task \d|[^k] backtrace(?: \(crc [0-9a-f]*\))?:|Backtrace:/;
/** linuxStackParams.frameRes. */
export const FRAME = new RegExp(String.raw`^ {0,16}(?:${PC} ){0,2}${FUNC}`);
/** The arm frame style: `[<80117f44>] (fn) from [<80de347c>] (caller+0xe4/0x138)` names two frames. */
export const FRAME_ARM = new RegExp(String.raw`^ {0,16}${PC} \(([a-zA-Z0-9_.]{1,128})\) from ${PC} \(${FUNC}`);
/** Lines syzkaller drops as questionable (`? fn+0x…/0x…`, unreliable frames). */
export const QUESTIONABLE = new RegExp(String.raw`^(?:${PC} )?\? {1,4}[a-zA-Z0-9_.]{1,128}\+0x[0-9a-f]{1,8}/`);

// linuxStackParams.skipPatterns: generic frames never named in a title.
export const FRAME_SKIP = [
  '__sanitizer',
  '__asan',
  'kasan',
  'hwasan',
  '__msan',
  'kmsan',
  'kcsan_setup_watchpoint',
  'check_memory_region',
  'check_heap_object',
  'check_object',
  'read_word_at_a_time',
  '(read|write)_once_.*nocheck',
  'print_address_description',
  'panic',
  'invalid_op',
  'report_bug',
  'fixup_bug',
  'print_report',
  'print_usage_bug',
  'do_error',
  '_trap$|do_trap',
  'show_stack',
  'dump_stack',
  'walk_stack',
  'dump_backtrace',
  'warn_slowpath',
  'warn_alloc',
  'warn_bogus',
  '__warn',
  'alloc_page',
  'k?v?(?:m|z|c)alloc',
  'krealloc',
  'kmem_cache',
  'allocate_slab',
  '__alloc_frozen_pages_noprof',
  'folio_(?:alloc|unlock)',
  'filemap_alloc_folio',
  '__filemap_get_folio',
  'find_or_create_page',
  'do_read_cache_folio',
  'read_cache_page',
  'pagecache_get_page',
  'grab_cache_page_write_begin',
  'slab_',
  'debug_object',
  'timer_is_static_object',
  'work_is_static_object',
  '__might_fault',
  'print_unlock',
  'imbalance_bug',
  'lockdep',
  'bh_enable',
  'bh_disable',
  'perf_trace',
  'lock_acquire',
  'lock_release',
  'lock_class',
  'mark_lock',
  '(reacquire|mark)_held_locks',
  'raw_spin_rq',
  'spin_lock',
  'spin_trylock',
  'spin_unlock',
  'read_lock',
  'read_trylock',
  'write_lock',
  'write_trylock',
  'read_unlock',
  'write_unlock',
  '^down$',
  'down_read',
  'down_write',
  'down_read_trylock',
  'down_write_trylock',
  'down_trylock',
  'up_read',
  'up_write',
  '^mutex_',
  '^__mutex_',
  '^rt_mutex_',
  'owner_on_cpu',
  'osq_lock',
  'osq_unlock',
  'atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)',
  '(set|clear|change|test)_bit',
  '__wake_up',
  '^refcount_',
  '^kref_',
  'ref_tracker',
  'seqprop_assert',
  'memcpy',
  'memcmp',
  'memset',
  'memchr',
  'memmove',
  'memdup',
  'strcmp',
  'strncmp',
  'strcpy',
  'strlcpy',
  'strncpy',
  'strscpy',
  'strlen',
  'strstr',
  'strnstr',
  'strnlen',
  'strchr',
  'strdup',
  'strndup',
  'copy_to_user',
  'copy_from_user',
  'copy_to_iter',
  'copy_from_iter',
  'copy_page_to_iter',
  'copy_page_from_iter',
  'copy_folio_to_iter',
  '^copyin$',
  '^copyout$',
  'put_user',
  'get_user',
  'might_fault',
  'might_sleep',
  'list_add',
  'list_del',
  'list_replace',
  'list_move',
  'list_splice',
  '^rb_',
  '^__rb_',
  '_indirect_thunk_',
  'string',
  'pointer',
  'snprintf',
  'scnprintf',
  'kasprintf',
  'kvasprintf',
  'printk',
  'va_format',
  'dev_info',
  'dev_notice',
  'dev_warn',
  'dev_err',
  'dev_alert',
  'dev_crit',
  'dev_emerg',
  'program_check_exception',
  'program_check_common',
  'del_timer',
  'flush_work',
  '__cancel_work_timer',
  'cancel_work_sync',
  'try_to_grab_pending',
  'flush_workqueue',
  'drain_workqueue',
  'destroy_workqueue',
  'queue_work',
  'finish_wait',
  'kthread_stop',
  'kobject_',
  'add_uevent_var',
  'get_device_parent',
  'device_add',
  'device_del',
  'device_unregister',
  'device_destroy',
  'device_release',
  'devres_release_all',
  'hwrng_unregister',
  'i2c_del_adapter',
  '__unregister_client',
  'device_for_each_child',
  'rollback_registered',
  'unregister_netdev',
  'sysfs_remove',
  'device_remove_file',
  'tty_unregister_device',
  'dummy_urb_enqueue',
  'usb_kill_urb',
  'usb_kill_anchored_urbs',
  'usb_control_msg',
  'usb_hcd_submit_urb',
  'usb_submit_urb',
  '^complete$',
  'wait_for_completion',
  '^kv?free$',
  'kfree_skb',
  'readb$',
  'readw$',
  'readl$',
  'readq$',
  'writeb$',
  'writew$',
  'writel$',
  'writeq$',
  'logic_in',
  'logic_out',
  '^crc\\d+',
  'crc_itu_t',
  '__might_resched',
  'assertfail',
  '^iput$',
  '^iput_final$',
  '^ihold$',
  'hex_dump_to_buffer',
  'print_hex_dump',
  '^klist_',
  '(trace|lockdep)_(hard|soft)irq',
  '^(un)?lock_page',
  'stack_trace_consume_entry',
  'arch_stack_walk',
  'stack_trace_save',
  'insert_work',
  '__queue_delayed_work',
  'queue_delayed_work_on',
  'ida_free',
  'do_(kernel|translation)_fault',
  'do_mem_abort',
  'el1_abort',
  'el1h_64_sync(?:_handler)?',
  'print_tainted',
  'xas_(?:start|load|find)',
  'find_lock_entries',
  'truncate_inode_pages_range',
  '__phys_addr',
  '__fortify_report',
  'cleanup_srcu_struct',
  'rhashtable_lookup',
  'extract_(user|iter)_to_sg',
  'drop_nlink',
  '^get_taint$',
  '^put_device$',
  'lock_timer_base',
  '__timer_delete_sync',
  'sk_stop_timer_sync',
  '__mod_timer',
  'fast_dput',
  'dput',
];

// linuxStackParams.stripFramePrefixes: syscall wrappers name the syscall (first match strips).
export const STRIP_PREFIXES = [
  'SYSC_',
  'SyS_',
  'sys_',
  '__x64_',
  '__ia32_',
  '__arm64_',
  '____sys_',
  '___sys_',
  '__sys_',
  '__se_',
  '__se_sys_',
  '__do_sys_',
  'compat_SYSC_',
  'compat_SyS_',
  'ksys_',
];

// linuxStallAnchorFrames: where a stall's representative frame is found (the frame
// printed just before the first anchor: the syscall, work item, timer or fop callback).
export const STALL_ANCHORS = [
  'process_one_work',
  'do_syscall_',
  'do_fast_syscall_',
  'sysenter_dispatch',
  'tracesys_phase2',
  'el0_svc_handler',
  'invoke_syscall',
  'ret_fast_syscall',
  'netif_receive_skb',
  'do_softirq',
  'call_timer_fn',
  '_run_timers',
  'run_timer_softirq',
  'hrtimer_run',
  'run_ksoftirqd',
  'smpboot_thread_fn',
  '^kthread$',
  'start_secondary',
  'cpu_startup_entry',
  'ret_from_fork',
  'vfs_write',
  'vfs_read',
  'vfs_iter_read',
  'vfs_iter_write',
  'do_iter_read',
  'do_iter_write',
  'call_read_iter',
  'call_write_iter',
  'new_sync_read',
  'new_sync_write',
  'vfs_ioctl',
  'ksys_ioctl',
  'compat_ioctl',
  'compat_sys_ioctl',
  'blkdev_driver_ioctl',
  'blkdev_ioctl',
  '^call_read_iter',
  '^call_write_iter',
  'do_iter_readv_writev',
  '^call_mmap',
  'mmap_region',
  'do_mmap',
  'do_dentry_open',
  'vfs_open',
  '^sock_sendmsg',
  '^sock_recvmsg',
  '^sock_release',
  '^__sock_release',
  '^setsockopt$',
  'kernel_setsockopt',
  'sock_common_setsockopt',
  '^listen$',
  'kernel_listen',
  'sk_common_release',
  '^sock_mmap',
  '^accept$',
  'kernel_accept',
  '^sock_do_ioctl',
  '^sock_ioctl',
  '^compat_sock_ioctl',
  '^nfnetlink_rcv_msg',
  '^rtnetlink_rcv_msg',
  '^netlink_dump',
  '^(sys_)?(socketpair|connect|ioctl)',
  '__do_fault',
  'do_page_fault',
  '^page_fault$',
  '__fput',
  'task_work_run',
  'exit_to_usermode',
  'smp_call_function',
  'tasklet_action',
  'tasklet_hi_action',
].map((s) => new RegExp(s));

/** linuxStallFrameExtractor: the frame before the first anchor (smp_call_function itself). */
const stallFrame: Extractor = (frames) => {
  let prev = frames[0];
  for (const f of frames) {
    if (STALL_ANCHORS.some((re) => re.test(f)))
      return f.includes('smp_call_function') ? `smp_call_function${RAW_MARK}${f}` : prev;
    prev = f;
  }
  return null;
};

// linuxHangTaskFrameExtractor: hangs on RCU grace periods and rtnl_lock are grouped
// under one name; otherwise the first frame that is not a generic wait/lock function.
const HANG_ANCHORS: [string, string | null][] = [
  ['rtnl_lock', null],
  ['synchronize_rcu', 'synchronize_rcu'],
  ['synchronize_srcu', 'synchronize_rcu'],
  ['synchronize_net', 'synchronize_rcu'],
  ['synchronize_sched', 'synchronize_rcu'],
];
const HANG_SKIP = [
  'sched',
  '_lock',
  '_slowlock',
  'down',
  'rwsem',
  'completion',
  'kthread',
  'wait',
  'synchronize',
  'context_switch',
  '__switch_to',
  'cancel_delayed_work',
  'rcu_barrier',
];
const hangFrame: Extractor = (frames) => {
  for (const f of frames) {
    for (const [anchor, repl] of HANG_ANCHORS)
      if (f.includes(anchor)) return repl && repl !== f ? `${repl}${RAW_MARK}${f}` : f;
  }
  return frames.find((f) => !HANG_SKIP.some((s) => f.includes(s))) ?? null;
};
/** Separates a canonical frame from the raw one it replaced (for alt titles). */
export const RAW_MARK = '\u0000';

const DEADLOCK_AT = (trigger: string): Part[] => [line(trigger), AT_FUNC];

/** The report kinds, in syzkaller's table order. */
export const REPORTS: ReportRule[] = [
  // "INFO:" group
  {
    kind: 'deadlock',
    header: /INFO: possible circular locking dependency detected/,
    fmt: 'possible deadlock in %',
    parts: DEADLOCK_AT('is trying to acquire lock'),
    noSkip: true,
  },
  {
    kind: 'deadlock',
    header: /INFO: possible irq lock inversion dependency detected/,
    fmt: 'possible deadlock in %',
    parts: DEADLOCK_AT('just changed the state of lock'),
    noSkip: true,
  },
  {
    kind: 'deadlock',
    header: /INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected/,
    fmt: 'possible deadlock in %',
    parts: DEADLOCK_AT('is trying to acquire'),
    noSkip: true,
  },
  {
    kind: 'deadlock',
    header: /INFO: possible recursive locking detected/,
    fmt: 'possible deadlock in %',
    parts: DEADLOCK_AT('is trying to acquire lock'),
    noSkip: true,
  },
  {
    kind: 'deadlock',
    header: /INFO: inconsistent lock state/,
    fmt: 'inconsistent lock state in %',
    parts: DEADLOCK_AT('takes'),
    noSkip: true,
  },
  {
    kind: 'rcu_stall',
    header: /INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected(?: expedited)? stall/,
    fmt: 'INFO: rcu detected stall in %',
    alt: 'stall in %',
    parts: [line('apic_timer_interrupt'), RIP, TRACE],
    parts2: [line('(?:apic_timer_interrupt|Exception stack|el1h_64_irq)'), TRACE],
    skip: ['apic_timer_interrupt', 'rcu'],
    extractor: stallFrame,
  },
  {
    kind: 'hung_task',
    header: /INFO: task .{0,64} blocked (?:in I\/O wait )?for more than \d{1,10} seconds/,
    fmt: 'INFO: task hung in %',
    alt: 'hang in %',
    parts: [CALL_TRACE, TRACE],
    extractor: hangFrame,
  },
  {
    // Not syzkaller's: a hung-task report whose `INFO: task …` line was cut keeps
    // check_hung_task's next line (kernel/hung_task.c), printed by nothing else. After the
    // INFO line (a whole report) it is that report's own line, so the INFO rule names it.
    kind: 'hung_task',
    header: /hung_task_timeout_secs" disables this message/,
    fmt: 'INFO: task hung in %',
    alt: 'hang in %',
    parts: [CALL_TRACE, TRACE],
    extractor: hangFrame,
  },
  {
    kind: 'hung_task',
    header: /INFO: task .{0,64} can't die for more than .{0,20} seconds/,
    fmt: "INFO: task can't die in %",
    alt: 'hang in %',
    parts: [CALL_TRACE, TRACE],
    skip: ['schedule'],
  },
  // "BUG:" group
  {
    kind: 'soft_lockup',
    header: /BUG: soft lockup/,
    fmt: 'BUG: soft lockup in %',
    alt: 'stall in %',
    parts: [RIP, CALL_TRACE, TRACE],
    extractor: stallFrame,
  },
  { kind: 'workqueue_lockup', header: /BUG: workqueue lockup/, fmt: 'BUG: workqueue lockup' },
  // syzkaller's `BUG: spinlock (lockup suspected|…|recursion|…)` row, for the recursion
  // CONFIG_DEBUG_SPINLOCK reports (kernel/locking/spinlock_debug.c spin_bug): the task takes
  // a spinlock it owns, a self-deadlock.
  {
    kind: 'deadlock',
    header: /BUG: spinlock recursion on CPU#/,
    fmt: 'BUG: spinlock recursion in %',
    parts: [CALL_TRACE, TRACE],
    skip: ['spin'],
  },
  // "WARNING:" group
  {
    kind: 'deadlock',
    header: /WARNING: possible circular locking dependency detected/,
    fmt: 'possible deadlock in %',
    parts: [AT_FUNC, AT_FUNC, TRACE],
    skip: ['process_one_work', 'flush_workqueue', 'drain_workqueue', 'destroy_workqueue'],
  },
  {
    kind: 'deadlock',
    header: /WARNING: possible irq lock inversion dependency detected/,
    fmt: 'possible deadlock in %',
    parts: DEADLOCK_AT('just changed the state of lock'),
    noSkip: true,
  },
  {
    kind: 'deadlock',
    header: /WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected/,
    fmt: 'possible deadlock in %',
    parts: DEADLOCK_AT('is trying to acquire'),
    noSkip: true,
  },
  // Newer kernels' `HARDIRQ-safe -> HARDIRQ-unsafe`: named after where the lock became
  // irq-safe (the first `which became …-safe at:` trace), not the reporting stack — that
  // one is lockdep's own (check_irq_usage, print_bad_irq_dependency).
  {
    kind: 'deadlock',
    header: /WARNING: (?:HARDIRQ|SOFTIRQ)-(?:READ-)?safe -> (?:HARDIRQ|SOFTIRQ)-(?:READ-)?unsafe lock order detected/,
    fmt: 'possible deadlock in %',
    parts: [WHICH_BECAME, TRACE],
  },
  {
    kind: 'deadlock',
    header: /WARNING: possible recursive locking detected/,
    fmt: 'possible deadlock in %',
    parts: DEADLOCK_AT('is trying to acquire lock'),
    noSkip: true,
  },
  {
    kind: 'deadlock',
    header: /WARNING: inconsistent lock state/,
    fmt: 'inconsistent lock state in %',
    parts: DEADLOCK_AT('takes'),
    noSkip: true,
  },
  // Reports of a lock left held (syzkaller's `WARNING: held lock freed in %`, `WARNING:
  // lock held when returning to user space in %`): named after where the lock was taken.
  {
    kind: 'deadlock',
    header: /WARNING: held lock freed!/,
    fmt: 'WARNING: held lock freed in %',
    parts: DEADLOCK_AT('is freeing memory'),
    noSkip: true,
  },
  {
    kind: 'deadlock',
    header: /WARNING: lock held when returning to user space!/,
    fmt: 'WARNING: lock held when returning to user space in %',
    parts: DEADLOCK_AT('is leaving the kernel with locks still held'),
    noSkip: true,
  },
  // Hard lockups have no syzkaller title of their own; named like soft lockups.
  {
    kind: 'hard_lockup',
    header: /Watchdog detected hard LOCKUP on cpu/,
    fmt: 'BUG: hard lockup in %',
    alt: 'stall in %',
    parts: [RIP, CALL_TRACE, TRACE],
    extractor: stallFrame,
  },
  // powerpc's own hard-lockup headlines (arch/powerpc/kernel/watchdog.c).
  {
    kind: 'hard_lockup',
    header: /CPU \d{1,5} self-detected hard LOCKUP @ |CPU \d{1,5} detected hard LOCKUP on other CPUs/,
    fmt: 'BUG: hard lockup in %',
    alt: 'stall in %',
    parts: [RIP, CALL_TRACE, TRACE],
    extractor: stallFrame,
  },
  // kernel/smp.c csd_lock_wait_toolong (CONFIG_CSD_LOCK_WAIT_DEBUG): a CPU spinning for
  // another CPU to run a cross-CPU call; named after the call that is not run. No
  // syzkaller title of its own.
  {
    kind: 'soft_lockup',
    header: /csd: Detected non-responsive CSD lock/,
    fmt: 'csd: non-responsive CSD lock in %',
    alt: 'stall in %',
    parts: [line(String.raw`waiting \d{1,20} ns for CPU#\d{1,5} ${FUNC}`)],
    noSkip: true,
    weak: true,
  },
];

// Frames that say nothing about which bug a hang is, beyond the wait plumbing of
// GENERIC_FRAMES (knowledge/waits.ts): they come and go with the build's configuration
// (sanitizers, kcov, lockdep, preemption debugging), name a lock primitive rather than
// who takes the lock (the wait kind and lock class say that), or belong to the report's
// own printing path. The fingerprint skips them when it names the culprit's frames.
//
// Sources: syzkaller pkg/report/linux.go (linuxStackParams.skipPatterns), which drops the
// same families when it names a report; kernel/kcov.c (__sanitizer_cov_*, write_comp_data);
// mm/kasan/, mm/kmsan/, kernel/kcsan/ (instrumentation hooks); kernel/locking/lockdep.c,
// kernel/locking/spinlock.c, mutex.c, rwsem.c, include/linux/rcupdate.h (lock primitives
// and their debug wrappers); kernel/time/tick-sched.c, kernel/time/timer.c,
// kernel/rcu/tree.c + tree_stall.h, kernel/watchdog.c, lib/nmi_backtrace.c (the timer
// interrupt that finds a stall and prints it).

export const FINGERPRINT_NOISE_FRAMES: RegExp[] = [
  // Instrumentation: present or not depending on CONFIG_KCOV / KASAN / KMSAN / KCSAN.
  /^(?:__sanitizer_cov_\w+|write_comp_data|__asan_\w+|__kasan_\w+|kasan_\w+|quarantine_\w+|qlist_\w+|msan_\w+|kmsan_\w+|check_memory_region(?:_inline)?|__msan_\w+|kmsan_\w+|__tsan_\w+|kcsan_\w+|__kcsan_\w+|__ubsan_\w+)$/,
  // Lock debugging and irq-state tracing (CONFIG_LOCKDEP, CONFIG_TRACE_IRQFLAGS, DEBUG_PREEMPT).
  /^(?:lock_acquire|lock_release|lock_acquired|lock_contended|lock_is_held(?:_type)?|__lock_acquire|__lock_release|lockdep_\w+|mark_held_locks|mark_lock|reacquire_held_locks|debug_lockdep_rcu_enabled|rcu_lockdep_current_cpu_online|trace_hardirqs_\w+|trace_irq_\w+|lockdep_hardirqs_\w+|check_preemption_disabled|debug_smp_processor_id|__this_cpu_preempt_check|in_lock_functions|__might_fault|might_fault|__might_sleep|___might_sleep|__might_resched|preempt_count_(?:add|sub)|debug_check_no_locks_held|debug_object\w*)$/,
  // Lock and RCU primitives: the wait kind and the lock say what was awaited; the caller
  // says who took it.
  /^(?:_raw_(?:spin|read|write)_(?:un)?lock(?:_irq|_irqsave|_bh|_irqrestore|_nested|_nest_lock)?|_raw_spin_trylock(?:_bh)?|_raw_(?:read|write)_trylock|do_raw_(?:spin|read|write)_(?:un)?lock(?:_flags)?|do_raw_spin_trylock|__raw_(?:spin|read|write)_(?:un)?lock\w*|(?:native_|__pv_|pv_)?queued_spin_lock_slowpath|queued_(?:read|write)_lock_slowpath|arch_spin_(?:un)?lock|spin_(?:un)?lock(?:_irq|_irqsave|_bh)?|spin_unlock_irqrestore|(?:__)?mutex_(?:un)?lock\w*|mutex_trylock|(?:__)?down_(?:read|write)\w*|(?:__)?up_(?:read|write)|up|down|down_trylock|(?:__)?rcu_read_(?:un)?lock\w*|rcu_read_lock_held\w*|__local_bh_(?:enable|disable)(?:_ip)?|local_bh_(?:enable|disable)|_local_bh_enable|__srcu_read_(?:un)?lock|srcu_read_(?:un)?lock\w*)$/,
  // Allocation and user-copy helpers: reached from everywhere, they say how, not where
  // (syzkaller's skip list drops them too).
  /^(?:k[mzv]?alloc\w*|__k[mzv]?alloc\w*|kmem_cache_alloc\w*|__kmem_cache_alloc\w*|slab_alloc\w*|__slab_alloc\w*|___slab_alloc|kvmalloc_node|__kmalloc\w*|kfree|kvfree|kmem_cache_free|__slab_free|slab_free\w*|_copy_(?:to|from)_user|copy_(?:to|from)_user|__copy_(?:to|from)_user\w*|raw_copy_(?:to|from)_user|copy_user_\w+|rcu_is_watching|trace_hrtimer_\w+)$/,
  // Dispatchers that hand a message or packet to its handler through a function pointer
  // (net/netlink/af_netlink.c, net/netlink/genetlink.c, net/netfilter/core.c): the handler
  // below them is what runs.
  /^(?:netlink_unicast(?:_kernel)?|netlink_rcv_skb|netlink_sendmsg|genl_rcv(?:_msg)?|genl_family_rcv_msg\w*|nf_hook_slow|nf_iterate|nf_hook)$/,
  // irq flags and the idle/halt instructions a CPU was stopped in.
  /^(?:arch_local_irq_(?:restore|enable|disable|save)|native_(?:restore|save)_fl|native_irq_(?:enable|disable)|arch_local_save_flags|native_safe_halt|native_halt|default_idle|arch_cpu_idle|cpu_relax|rep_nop)$/,
  // The timer interrupt that notices a stall and prints it (the report, not the bug),
  // and the exception entry of a WARN/BUG that prints one.
  /^(?:_?sched_show_task|rcu_print_detail_task_stall\w*|rcu_print_task_stall\w*|rcu_dump_cpu_stacks|__show_regs|show_regs_if_on_stack|show_regs_print_info|show_iret_regs|handle_bug|exc_invalid_op|invalid_op|do_invalid_op|do_error_trap|do_trap|report_bug|gic_handle_irq|__irq_svc|__irq_usr|el1_irq|el1_interrupt|el1h_64_irq(?:_handler)?|handle_domain_irq|generic_handle_irq|handle_irq_event\w*|tick_sched_handle|tick_sched_timer|tick_sched_do_timer|tick_do_update_jiffies64|tick_nohz_handler|tick_handle_periodic|update_process_times|scheduler_tick|sched_tick|rcu_sched_clock_irq|rcu_check_callbacks|rcu_pending|rcu_report_qs_rdp|check_cpu_stall|print_cpu_stall|print_other_cpu_stall|rcu_dump_cpu_stacks|rcu_check_gp_start_stall|dump_cpu_task|sched_show_task|show_regs|show_stack|show_trace_log_lvl|nmi_cpu_backtrace|nmi_cpu_backtrace_handler|nmi_handle|default_do_nmi|do_nmi|exc_nmi|nmi_trigger_cpumask_backtrace|arch_trigger_cpumask_backtrace|trigger_all_cpu_backtrace|__run_hrtimer|__hrtimer_run_queues|hrtimer_interrupt|local_apic_timer_interrupt|smp_apic_timer_interrupt|apic_timer_interrupt|watchdog_timer_fn|softlockup_fn|watchdog_overflow_callback|__perf_event_overflow|perf_event_overflow|handle_pmi_common|intel_pmu_handle_irq|perf_event_nmi_handler|check_hung_uninterruptible_tasks|check_hung_task|hung_task_\w+|watchdog|restore_regs_and_return_to_kernel|interrupt_entry|common_interrupt|ret_from_intr|retint_kernel|irq_exit|irq_exit_rcu|__irq_exit_rcu|sysvec_apic_timer_interrupt|__sysvec_apic_timer_interrupt|asm_sysvec_apic_timer_interrupt)$/,
];

/** True for a frame (already stripped of compiler suffixes) the fingerprint skips. */
export function isFingerprintNoise(fn: string): boolean {
  return FINGERPRINT_NOISE_FRAMES.some((re) => re.test(fn));
}

// The two ends of a complete kernel stack, as traces print them (innermost first).
//
// The outermost frames: where every kernel stack of a task starts — a syscall or
// exception entry from user space, a kernel thread's start, a CPU's boot or idle path.
// A trace whose last frame is none of these was cut (by the printer's depth, or by a
// person who replied inside it).
// Sources: arch/x86/entry/entry_64.S (entry_SYSCALL_64, ret_from_fork, ret_from_fork_asm
// 6.7+, system_call_fastpath before 4.2), arch/x86/entry/entry_32.S, arch/arm64/kernel/
// entry.S (el0t_64_sync 5.12+, el0_sync, ret_from_fork), arch/arm/kernel/entry-common.S
// (ret_fast_syscall, ret_from_fork), arch/powerpc/kernel/entry_64.S (system_call_common,
// ret_from_kernel_thread), arch/s390/kernel/entry.S (__ret_from_fork), kernel/kthread.c,
// init/main.c, arch/x86/kernel/head_64.S, kernel/sched/idle.c.
export const STACK_BOTTOM_FRAMES =
  /^(?:entry_SYSCALL_64(?:_after_hwframe|_fastpath)?|entry_SYSCALL_compat(?:_after_hwframe)?|entry_INT80_compat|entry_SYSENTER_compat(?:_after_hwframe)?|entry_SYSENTER_32|entry_INT80_32|system_call_fastpath|system_call|tracesys|ret_from_fork(?:_asm)?|__ret_from_fork|ret_from_kernel_thread|kernel_thread_helper|kthread|el0t?_64_sync|el0_sync|el0_svc(?:_compat)?|ret_fast_syscall|ret_to_user|system_call_common|system_call_exception|start_kernel|rest_init|secondary_startup_64(?:_no_verify)?|start_secondary|cpu_startup_entry|x86_64_start_kernel|x86_64_start_reservations|asm_exc_page_fault|page_fault)$/;

// The innermost frames of a sleeping or dumping task's stack: a trace that starts with one
// of these is a whole stack from its top, not the rest of a cut one.
// Sources: kernel/sched/core.c (__schedule, schedule, context_switch), arch/*/kernel/
// process.c (__switch_to), lib/dump_stack.c, kernel/stacktrace.c.
export const STACK_TOP_FRAMES =
  /^(?:__switch_to(?:_asm)?|context_switch|__schedule|schedule|__schedule_loop|dump_stack(?:_lvl)?|__dump_stack|show_stack|show_trace_log_lvl|dump_backtrace|sched_show_task|stack_trace_save)$/;

// Exception and interrupt entries: a trace that starts at one is the interrupted context
// printed after an exception frame's register dump (arm64 `Exception stack(…)`, x86
// pt_regs); the trace parsers place it themselves (parse/dmesg/call-trace.ts).
// Sources: arch/arm64/kernel/entry.S (el1_irq before 5.12, el1h_64_irq 5.12+),
// arch/x86/entry/entry_64.S (apic_timer_interrupt, common_interrupt, asm_* 5.8+).
export const EXCEPTION_ENTRY_FRAMES =
  /^(?:el[01]_(?:irq|sync|error|fiq)|el1h_64_(?:irq|sync|error|fiq)(?:_handler)?|apic_timer_interrupt|common_interrupt|ret_from_intr|reschedule_interrupt|call_function_(?:single_)?interrupt|irq_work_interrupt|asm_\w+)$/;

// The entries of a page fault taken in kernel mode, as crash prints the frame above the
// exception frame: x86 page_fault (async_page_fault under KVM guests) before 5.8,
// asm_exc_page_fault 5.8+ (arch/x86/entry/entry_64.S, idtentry.h); arm64 el1_sync before
// 5.12, el1h_64_sync 5.12+ with its C handlers el1_da/el1_abort (arch/arm64/kernel/
// entry.S, entry-common.c).
export const PAGE_FAULT_ENTRY_FRAMES =
  /^(?:page_fault|async_page_fault|asm_exc_page_fault|el1_sync|el1h_64_sync|el1_da|el1_abort)$/;

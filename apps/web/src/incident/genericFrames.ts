// Frames that appear in almost every blocked stack and say nothing about *why* this
// task waits: scheduler entry, syscall/exception entry, kthread and worker plumbing.
// Dimmed in the stack view so the interesting frames stand out. Prefix patterns cover
// compiler suffixes (.isra.0, .constprop.0, .part.0) and arch variants.
const GENERIC = [
  /^(__)?schedule(_timeout|_preempt_disabled|_hrtimeout_range)?(\.|$)/,
  /^(io_)?schedule(_timeout)?(\.|$)/,
  /^preempt_schedule/,
  /^__?switch_to/,
  /^context_switch/,
  /^ret_from_fork/,
  /^kthread(\.|$)/,
  /^worker_thread(\.|$)/,
  /^process_one_work(\.|$)/,
  /^rescuer_thread/,
  /^smpboot_thread_fn/,
  /^(entry_SYSCALL|system_call|do_syscall|__x64_sys_|__do_sys_|SyS_|sys_|el0_svc|el0t_|do_el0_svc|invoke_syscall)/,
  /^(do_syscall_64|syscall_exit|entry_)/,
  /^(asm_)?(common_interrupt|apic_timer_interrupt|sysvec_)/,
  /^0x[0-9a-f]+$/,
  // How the stack got printed, not why the task waits: panic/kdump, NMI and watchdog
  // reporting, stack dumpers (sysrq, hung-task detector).
  /^(machine_kexec|__?crash_kexec|crash_kexec|panic|nmi_panic|oops_end|die)(\.|$)/,
  /^(watchdog_overflow_callback|__perf_event_overflow|perf_event_overflow|perf_event_nmi_handler|intel_pmu_handle_irq|x86_pmu_handle_irq)/,
  /^(nmi_handle|default_do_nmi|do_nmi|exc_nmi|end_repeat_nmi|repeat_nmi|nmi|nmi_cpu_backtrace|nmi_trigger_cpumask_backtrace)(\.|$)/,
  /^(dump_stack|show_stack|show_trace_log_lvl|sched_show_task|show_state_filter|sysrq_handle_|__handle_sysrq|watchdog|check_hung_|hung_task|khungtaskd)/,
];

export function isGenericFrame(fn: string): boolean {
  return GENERIC.some((re) => re.test(fn));
}

/** Does this frame name the wait? `waitFrame` may carry an offset ("mutex_lock+0x1f"). */
export function isWaitFrame(fn: string, waitFrame: string | null | undefined): boolean {
  if (!waitFrame) return false;
  const name = waitFrame.split('+')[0].trim();
  return name !== '' && fn === name;
}

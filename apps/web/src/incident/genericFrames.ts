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

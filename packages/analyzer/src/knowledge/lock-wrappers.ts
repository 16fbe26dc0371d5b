// Functions that take one well-known global (or per-object) lock: a task blocked below
// them waits for that lock, and its lockdep class name identifies it across tasks.
// Sources: net/core/rtnetlink.c rtnl_lock, kernel/cgroup/cgroup.c cgroup_lock,
// kernel/cpu.c cpus_read_lock, kernel/printk/printk.c console_lock, mm/mmap_lock.h,
// include/linux/fs.h inode_lock, kernel/module/main.c module_mutex, drivers/base/core.c device_lock.

export interface LockWrapper {
  fn: RegExp;
  /** The lockdep class name (how lockdep and people name it). */
  name: string;
  /** true when the lock is per object (mmap_lock of one mm, i_rwsem of one inode):
   *  different tasks may wait on different instances. */
  perObject?: boolean;
}

export const LOCK_WRAPPERS: LockWrapper[] = [
  { fn: /^(?:rtnl_lock|rtnl_lock_killable|rtnl_lock_interruptible|rtnl_net_lock)$/, name: 'rtnl_mutex' },
  { fn: /^(?:cgroup_lock|cgroup_kn_lock_live|cgroup_lock_and_drain_offline)$/, name: 'cgroup_mutex' },
  { fn: /^(?:cpus_read_lock|get_online_cpus|cpus_write_lock|cpu_hotplug_begin|cpu_maps_update_begin)$/, name: 'cpu_hotplug_lock' },
  { fn: /^(?:console_lock|console_trylock_spinning)$/, name: 'console_sem' },
  { fn: /^(?:lock_system_sleep)$/, name: 'system_transition_mutex' },
  // The mmap_lock helpers are inline: the caller that shows on the stack names the lock.
  { fn: /^(?:mmap_read_lock(?:_killable)?|mmap_write_lock(?:_killable)?|lock_mm_and_find_vma|mmap_read_lock_maybe_expand|vm_mmap_pgoff|__vm_munmap|vm_munmap|do_mprotect_pkey|do_madvise|do_user_addr_fault|__do_page_fault|do_page_fault|get_user_pages_unlocked|__access_remote_vm|access_remote_vm|__do_sys_brk|do_brk_flags|__do_sys_mremap|do_mremap|dup_mmap|exit_mmap|__mm_populate|populate_vma_page_range)$/, name: 'mmap_lock', perObject: true },
  { fn: /^(?:inode_lock(?:_shared|_nested)?|lock_rename)$/, name: 'i_rwsem', perObject: true },
  { fn: /^(?:device_lock|__device_driver_lock)$/, name: 'dev->mutex', perObject: true },
  { fn: /^(?:kernfs_get_active|kernfs_drain)$/, name: 'kn->active', perObject: true },
  { fn: /^(?:net_ns_barrier|copy_net_ns|setup_net)$/, name: 'pernet_ops_rwsem' },
  { fn: /^(?:register_pernet_subsys|unregister_pernet_subsys|register_pernet_device|unregister_pernet_device)$/, name: 'pernet_ops_rwsem' },
  { fn: /^(?:genl_lock)$/, name: 'genl_mutex' },
  { fn: /^(?:tty_lock|tty_lock_interruptible)$/, name: 'tty->legacy_mutex', perObject: true },
];

/**
 * Frames of the page-fault path that run with the mm's mmap_lock held for read
 * (arch/x86/mm/fault.c do_user_addr_fault, arch/arm64/mm/fault.c do_page_fault) — until
 * 6.4, where most faults take a per-VMA lock instead (lock_vma_under_rcu).
 */
export const MMAP_LOCK_HOLDING_FAULT = /^(?:do_user_addr_fault|__do_page_fault|do_page_fault|do_translation_fault|do_mem_abort)$/;

export function lockWrapperFor(fn: string): LockWrapper | undefined {
  return LOCK_WRAPPERS.find((w) => w.fn.test(fn));
}

// Facts about the machine a dump came from that the resolvers compute with: stack and
// per-cpu layout, flag bits, lock layout. Each with where the kernel defines it.

/**
 * log2 of x86_64's THREAD_SIZE: kernel stacks are 16 KiB and 16 KiB-aligned, so an
 * address's stack is its 16 KiB-aligned block. arch/x86/include/asm/page_64_types.h
 * (THREAD_SIZE_ORDER 2 since 3.15; 3.x before it used 8 KiB, and KASAN builds double
 * it — addresses of those stacks still fall in one 16 KiB block or two halves of one
 * 32 KiB stack, which the frame addresses of one task join).
 */
export const X86_64_THREAD_SHIFT = 14;

/**
 * EFLAGS.IF, the interrupt-enable flag (bit 9): clear means the CPU takes no maskable
 * interrupt, cross-CPU call IPIs included. arch/x86/include/uapi/asm/processor-flags.h
 * (X86_EFLAGS_IF).
 */
export const X86_EFLAGS_IF = 0x200;

/**
 * How far into a sleeping lock its `wait_list` head lies, debug options included: a
 * pointer within this many bytes of the lock's address points into the lock, not at a
 * waiter. struct mutex (include/linux/mutex_types.h: owner, wait_lock, osq, wait_list,
 * then debug fields), struct rw_semaphore (include/linux/rwsem.h), struct semaphore
 * (include/linux/semaphore.h): the head is at 0x8–0x30 on 64-bit builds.
 */
export const LOCK_WAIT_LIST_WITHIN = 0x80n;

/**
 * Per-cpu areas lie at most a few MiB apart (mm/percpu.c: a unit is the static per-cpu
 * data plus PERCPU_DYNAMIC_RESERVE, rounded to pages; `kmem -o` prints each CPU's base):
 * an address farther than this past the nearest base is not per-cpu data.
 */
export const PERCPU_UNIT_MAX = 0x400000n;

/**
 * Words that say the machine is a virtual machine, as boot banners and `Hardware name:`
 * lines print them (arch/x86/kernel/cpu/hypervisor.c "Hypervisor detected: KVM",
 * DMI names "QEMU Standard PC", "VMware Virtual Platform", "Microsoft Corporation
 * Virtual Machine" with hyperv_*, Xen's "xen:" banners, virtio drivers).
 */
export const VIRTUALIZATION_WORDS = /\b(?:kvm|qemu|virtio|xen|hyper-?v|vmware|hypervisor detected|vcpu|hypervisor)\b/i;

/**
 * Lockdep's own frames in a saved acquisition stack (kernel/locking/lockdep.c:
 * lock_acquire → __lock_acquire → validate_chain → check_prevs_add → check_prev_add →
 * check_noncircular → print_circular_bug): not the call site that took the lock.
 */
export const LOCKDEP_PLUMBING =
  /^(?:lock_acquire(?:\.part\.\d+)?|__lock_acquire|validate_chain|check_prevs_add|check_prev_add|check_noncircular|print_circular_bug|__lock_acquire\.isra\.\d+)$/;

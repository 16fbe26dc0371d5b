// Functions that take a spinlock: code an interrupt stopped inside one of them, with the
// lock's address in its registers, is taking or has just taken that lock (the fast path
// is a single cmpxchg; the IRQ that stops it right after owns nothing of it).
// Sources: kernel/locking/spinlock.c (_raw_spin_lock*, __raw_spin_lock* inlined into
// them), kernel/locking/spinlock_debug.c (do_raw_spin_lock, do_raw_spin_trylock, with
// CONFIG_DEBUG_SPINLOCK), include/asm-generic/qspinlock.h (queued_spin_lock,
// queued_spin_trylock), include/linux/spinlock_api_smp.h.
// The slow path (native_queued_spin_lock_slowpath, queued_spin_lock_slowpath) is not
// here: code stopped there is still waiting for the lock, so it does not hold it.

export const SPIN_ACQUIRE =
  /^(?:_raw_spin_lock(?:_bh|_irq|_irqsave|_nested|_irqsave_nested)?|_raw_spin_trylock(?:_bh)?|__raw_spin_lock(?:_bh|_irq|_irqsave)?|do_raw_spin_lock|do_raw_spin_trylock|queued_spin_lock|queued_spin_trylock|arch_spin_lock|arch_spin_trylock|spin_lock|spin_lock_bh|spin_lock_irq|spin_lock_irqsave|_raw_read_lock|_raw_write_lock(?:_bh|_irq|_irqsave)?)$/;

/** How many frames of the stopped context may lie above the acquiring one (inlined helpers
 *  and `?` frames printed between the stopped IP and `_raw_spin_lock`). */
export const SPIN_ACQUIRE_WITHIN = 3;

/** Where code waits for a contended spinlock (kernel/locking/qspinlock.c, qrwlock.c,
 *  arch/x86/kernel/kvm.c kvm_wait for paravirt spinlocks): stopped here, it holds nothing. */
export const SPIN_WAITING =
  /^(?:native_queued_spin_lock_slowpath|queued_spin_lock_slowpath|__pv_queued_spin_lock_slowpath|pv_wait|kvm_wait|queued_read_lock_slowpath|queued_write_lock_slowpath)(?:\.part\.\d+|\.cold)?$/;

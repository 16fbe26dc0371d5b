// Interrupt entry code, for backtraces that print no `<IRQ>` section markers. A frame
// called from one of these ran in the interrupt handler on top of the task, and the frame
// the unwinder gives next is the instruction the interrupt stopped: the trace reader marks
// them as x86's markers and RIP line do.
//
// Only interrupts: a fault (an abort, a page fault) is handled in the task's own context
// and may sleep there — a task blocked in a page fault waits in those frames.
//
// 32-bit ARM (arch/arm/kernel/entry-armv.S): the IRQ and FIQ vector stubs from kernel (svc)
// and user mode. arm64 (arch/arm64/kernel/entry.S): `el1h_64_irq` (5.13+; `el1_irq`
// before), `el1h_64_fiq` (`el1_fiq`), from EL1 — from EL0 no kernel frame follows.
export const EXCEPTION_ENTRIES =
  /^(?:__irq_svc|__irq_usr|__fiq_svc|__fiq_usr|__fiq_abt|el1h_64_irq|el1_irq|el1h_64_fiq|el1_fiq)$/;

/**
 * powerpc prints an interrupt inside a trace as `--- interrupt: 900 at fn+0x8c/0xd0` (4.x:
 * `901`, the low bits set): the vector says what it was (arch/powerpc/include/asm/
 * interrupt.h). These are the asynchronous ones, with the context their handler runs in:
 * system reset (used for NMI backtraces) and performance monitor as NMIs, external,
 * decrementer (timer), doorbells and hypervisor interrupts as interrupts. The others —
 * storage faults, alignment, program checks, system calls (`c00`) — run in the task.
 */
export const PPC_INTERRUPT_VECTORS: ReadonlyMap<number, 'irq' | 'nmi'> = new Map([
  [0x100, 'nmi'], // system reset
  [0xf00, 'nmi'], // performance monitor
  [0x500, 'irq'], // external
  [0x900, 'irq'], // decrementer
  [0x980, 'irq'], // hypervisor decrementer
  [0xa00, 'irq'], // doorbell
  [0xe80, 'irq'], // hypervisor doorbell
  [0xea0, 'irq'], // hypervisor virtualization
]);

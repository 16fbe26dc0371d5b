// Exception entry code, for backtraces that print no `<IRQ>`/`<NMI>` section markers.
// A frame called from one of these ran in the interrupt (or abort) handler on top of the
// task, and the frame the unwinder gives next is the instruction the exception stopped:
// the trace reader marks them as x86's markers and RIP line do.
//
// 32-bit ARM (arch/arm/kernel/entry-armv.S): the vector stubs by which an IRQ, FIQ, data
// or prefetch abort, or undefined instruction enters from kernel (svc) or user mode.
export const EXCEPTION_ENTRIES = /^(?:__irq_svc|__irq_usr|__fiq_svc|__fiq_usr|__fiq_abt|__dabt_svc|__dabt_usr|__pabt_svc|__pabt_usr|__und_svc|__und_usr)$/;

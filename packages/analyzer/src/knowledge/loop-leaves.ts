// Functions a looping CPU calls on every turn of its loop: busy-wait delays and bit or
// cpumask searches. A stuck CPU's innermost frame is often one of them (the NMI caught it
// there), but the loop that does not end is its caller's: `udelay` under __tg3_readphy's
// retry loop, `find_next_bit` under xive_find_target_in_mask's search, `delay_tsc` under a
// test thread's mdelay with interrupts off. Naming where such a CPU is names the caller.
//
// Sources: arch/x86/lib/delay.c (delay_loop, delay_tsc, delay_halt*, __delay, __udelay,
// __const_udelay, __ndelay), arch/arm64/lib/delay.c and arch/powerpc/kernel/time.c
// (__delay, udelay), include/linux/delay.h (udelay/ndelay/mdelay wrappers), lib/find_bit.c
// (_find_next_bit, _find_first_bit and the find_next_*_bit family), lib/cpumask.c
// (cpumask_next, cpumask_next_wrap, cpumask_any_but …), arch/x86/kernel/tsc.c (read_tsc,
// the TSC clocksource's read), arch/x86/include/asm/msr.h (native_read_tsc before 4.4,
// rdtsc_ordered).

import { symbolName } from './symbol.js';

const LOOP_LEAF =
  /^(?:delay_loop|delay_tsc|delay_halt(?:_tpause|_mwaitx)?|__delay|__udelay|__const_udelay|__ndelay|udelay|ndelay|mdelay|__bad_udelay|native_read_tsc|read_tsc|rdtsc_ordered|_?find_(?:next|first|last)(?:_zero|_and|_andnot|_or)?_bit(?:_le)?|cpumask_(?:next|next_wrap|next_and|any_but|first|any)(?:\.part\.\d+)?)(?:\.(?:constprop|isra|part|cold)\.\d+)*$/;

/** Is `fn` a busy-wait or search helper that a loop calls, rather than the loop? */
export function isLoopLeaf(fn: string): boolean {
  return LOOP_LEAF.test(symbolName(fn));
}

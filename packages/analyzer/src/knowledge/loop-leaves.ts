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
// Device-register reads a poll loop repeats: lib/iomap.c's out-of-line ioread8/16/32 (and
// their big-endian forms), and an MMC host's `card_busy` op (struct mmc_host_ops,
// include/linux/mmc/host.h, v3.13+: one read of DAT0, `sdhci_card_busy`,
// `dw_mci_card_busy`, `mmci_card_busy` …) that mmc_poll_for_busy() / __mmc_switch()
// (drivers/mmc/core/mmc_ops.c) call until the card lets go of the line.
// sparc64's OpenBoot client-interface call, p1275_cmd (arch/sparc64/prom/p1275.c, 2.6.x;
// p1275_cmd_direct in arch/sparc/prom/p1275.c 2.6.36+), which every prom_* helper makes and
// their loops repeat: prom_putchar spins on prom_nbputchar until the PROM console takes the
// character (arch/sparc64/prom/console.c).

import { symbolName } from './symbol.js';

const LOOP_LEAF =
  /^(?:delay_loop|delay_tsc|delay_halt(?:_tpause|_mwaitx)?|__delay|__udelay|__const_udelay|__ndelay|udelay|ndelay|mdelay|__bad_udelay|native_read_tsc|read_tsc|rdtsc_ordered|_?find_(?:next|first|last)(?:_zero|_and|_andnot|_or)?_bit(?:_le)?|cpumask_(?:next|next_wrap|next_and|any_but|first|any)(?:\.part\.\d+)?|ioread(?:8|16|32|64)(?:be)?|[a-z][a-z0-9]{0,30}(?:_[a-z0-9]{1,30}){0,3}_card_busy|p1275_cmd(?:_direct)?)(?:\.(?:constprop|isra|part|cold)\.\d+)*$/;

/** Is `fn` a busy-wait or search helper that a loop calls, rather than the loop? */
export function isLoopLeaf(fn: string): boolean {
  return LOOP_LEAF.test(symbolName(fn));
}

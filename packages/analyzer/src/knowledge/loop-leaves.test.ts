import { describe, expect, it } from 'vitest';
import { isLoopLeaf } from './loop-leaves.js';

describe('loop leaves', () => {
  it('are the delay and search helpers a loop calls', () => {
    for (const fn of ['udelay', 'delay_tsc', '__const_udelay', 'find_next_bit', '_find_next_bit', 'cpumask_next'])
      expect(isLoopLeaf(fn), fn).toBe(true);
    expect(isLoopLeaf('cpumask_next_wrap.part.0')).toBe(true);
  });
  it('are the device-register reads a poll loop repeats', () => {
    for (const fn of ['ioread32', 'ioread16be', 'sdhci_card_busy', 'dw_mci_card_busy', 'meson_mmc_card_busy'])
      expect(isLoopLeaf(fn), fn).toBe(true);
  });
  it("are sparc64's OpenBoot calls that a prom_* loop repeats", () => {
    for (const fn of ['p1275_cmd', 'p1275_cmd_direct']) expect(isLoopLeaf(fn), fn).toBe(true);
    expect(isLoopLeaf('prom_putchar')).toBe(false);
  });
  it('are not the loops themselves, nor lock or wait primitives', () => {
    for (const fn of [
      'xive_find_target_in_mask',
      '__tg3_readphy',
      'msleep',
      'native_queued_spin_lock_slowpath',
      'find_vma',
      'acme_mmc_card_busy_poll',
      'mmc_poll_for_busy',
    ])
      expect(isLoopLeaf(fn), fn).toBe(false);
  });
});

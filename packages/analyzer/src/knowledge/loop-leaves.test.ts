import { describe, expect, it } from 'vitest';
import { isLoopLeaf } from './loop-leaves.js';

describe('loop leaves', () => {
  it('are the delay and search helpers a loop calls', () => {
    for (const fn of ['udelay', 'delay_tsc', '__const_udelay', 'find_next_bit', '_find_next_bit', 'cpumask_next'])
      expect(isLoopLeaf(fn), fn).toBe(true);
    expect(isLoopLeaf('cpumask_next_wrap.part.0')).toBe(true);
  });
  it('are not the loops themselves, nor lock or wait primitives', () => {
    for (const fn of [
      'xive_find_target_in_mask',
      '__tg3_readphy',
      'msleep',
      'native_queued_spin_lock_slowpath',
      'find_vma',
    ])
      expect(isLoopLeaf(fn), fn).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { HeldLockRecord } from '../../parse/records.js';
import { DeferredHeld } from './held-index.js';

const entry = (addr: string | null, name: string | null): HeldLockRecord =>
  new HeldLockRecord({ pid: 1, comm: 'x', taskAddr: null }, addr, name, null, 0, 1);

describe('DeferredHeld', () => {
  const held = [entry('a1', 'A'), entry(null, 'B'), entry('a1', 'A2'), entry('a2', 'A'), entry(null, 'B')];

  it('gives back a lock’s entries once, in text order, by address or by name', () => {
    const d = new DeferredHeld(held);
    held.forEach((_, k) => d.defer(k));
    expect(d.hasAddr('a1')).toBe(true);
    expect(d.take('a1', null)).toEqual([0, 2]);
    expect(d.take('a1', null)).toBeUndefined();
    expect(d.hasAddr('a1')).toBe(false);
    expect(d.take(null, 'B')).toEqual([1, 4]);
    expect(d.take(null, null)).toBeUndefined();
  });

  it('names the first entry of each class by the first named entry of its lock', () => {
    const d = new DeferredHeld(held);
    held.forEach((_, k) => d.defer(k));
    // a1 is named A by entry 0 (entry 2's A2 does not rename it); a2's A comes later.
    expect(d.firstNaming('A')).toBe(0);
    expect(d.firstNaming('A2')).toBeUndefined();
    expect(d.firstNaming('B')).toBe(1);
    d.forgetFirst('A', 3);
    expect(d.firstNaming('A')).toBe(0);
    d.forgetFirst('A', 0);
    expect(d.firstNaming('A')).toBeUndefined();
  });

  it('indexes entries set aside after the first question too', () => {
    const d = new DeferredHeld(held);
    d.defer(0);
    expect(d.hasAddr('a2')).toBe(false);
    d.defer(3);
    expect(d.hasAddr('a2')).toBe(true);
    expect(d.take('a2', 'A')).toEqual([3]);
  });
});

import { describe, expect, it } from 'vitest';
import { symbolName } from './symbol.js';
import { isGenericFrame, matchWaitRule } from './waits.js';

describe('ELF ABI v1 dot symbols', () => {
  it('name the function after the dot', () => {
    expect(symbolName('.do_raw_spin_lock')).toBe('do_raw_spin_lock');
    expect(symbolName('do_raw_spin_lock')).toBe('do_raw_spin_lock');
    // Not a dot symbol: a lone dot, a `..` local label.
    expect(symbolName('.')).toBe('.');
    expect(symbolName('..L1')).toBe('..L1');
  });
  it('are known to the tables as their function', () => {
    expect(isGenericFrame('.process_one_work')).toBe(true);
    expect(matchWaitRule('._raw_spin_lock_irq')).toEqual(matchWaitRule('_raw_spin_lock_irq'));
    expect(matchWaitRule('._raw_spin_lock_irq')).not.toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { isPrintkEntry } from './printk-entries.js';

describe('printk entry functions', () => {
  it('knows printk and its helpers across versions, with compiler suffixes', () => {
    for (const fn of [
      'printk',
      '_printk',
      'vprintk_emit',
      'vprintk_func',
      'vprintk_default',
      '_dev_info',
      'dev_printk_emit',
    ])
      expect(isPrintkEntry(fn), fn).toBe(true);
    expect(isPrintkEntry('vprintk_emit.cold')).toBe(true);
  });
  it('is not the console path below it, nor a printk caller', () => {
    for (const fn of ['console_unlock', 'serial8250_console_write', 'dump_task', 'printk_safe_flush', 'show_stack'])
      expect(isPrintkEntry(fn), fn).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { sameStackBlock, stackBlockKey } from './parser.js';

describe('stackBlockKey', () => {
  it('is the 16 KiB block: the same within one, different across', () => {
    expect(stackBlockKey('ffff88003570c000')).toBe(stackBlockKey('ffff88003570ffff'));
    expect(stackBlockKey('ffff88003570bfff')).not.toBe(stackBlockKey('ffff88003570c000'));
    expect(stackBlockKey('ffff880035710000')).not.toBe(stackBlockKey('ffff88003570c000'));
    expect(typeof stackBlockKey('ffffb8a1c01608ee')).toBe('number');
  });
  it('reads other spellings of the same address alike', () => {
    const k = stackBlockKey('ffff88003570de20');
    expect(stackBlockKey('0xFFFF88003570DE20')).toBe(k);
    expect(stackBlockKey('FFFF88003570C001')).toBe(k);
    expect(stackBlockKey('3570de20')).toBe(stackBlockKey('000000003570c000'));
  });
  it('agrees with sameStackBlock', () => {
    const addrs = [
      'ffff88003570c000',
      'ffff88003570ffff',
      'ffff88003570bfff',
      'ffff880035710000',
      'ffffb8a1c01608ee',
      'ffffb8a1c0160918',
    ];
    for (const a of addrs)
      for (const b of addrs) expect(sameStackBlock(a, b)).toBe(stackBlockKey(a) === stackBlockKey(b));
  });
  it('keys text that is not hex by the text, never equal to an address', () => {
    const k = stackBlockKey('not-an-address!!');
    expect(typeof k).toBe('string');
    expect(stackBlockKey('not-an-address!!')).toBe(k);
    expect(k).not.toBe(stackBlockKey('ffff88003570c000'));
  });
});

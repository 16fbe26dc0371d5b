import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isRegisterLine, readRegisterLine, readRegisters, readWords } from './common.js';

describe('readRegisterLine', () => {
  it('reads crash’s register lines', () => {
    const into: Record<string, string> = {};
    expect(readRegisterLine('RAX: ffffffffffffffda  RBX: 0000000000000003  RCX: 00007f0748d44890', into)).toBe(true);
    expect(readRegisterLine('ORIG_RAX: 00000000000000e8  CS: 0033  SS: 002b', into)).toBe(true);
    expect(into).toEqual({
      rax: 'ffffffffffffffda',
      rbx: '0000000000000003',
      rcx: '00007f0748d44890',
      orig_rax: '00000000000000e8',
      cs: '0033',
      ss: '002b',
    });
  });

  it('says yes only where the register pattern does, and reads what readRegisters reads', () => {
    let yes = 0;
    // Mostly well-formed `NAME: value` pairs (so many lines are register lines), some
    // pieces of other shapes: long names, lower case, no or too many spaces, long values,
    // no blank after a value, other white space, trailing noise.
    const pair = fc.record({
      name: fc.constantFrom('RAX', 'R8', 'ORIG_RAX', 'CS', 'RFLAGS', 'RAX', 'R15', 'TOOLONGNAME', 'rax'),
      sep: fc.constantFrom(': ', ':  ', ':   ', ': ', ':    ', ':'),
      value: fc.constantFrom(
        'ffff',
        '0000000000000003',
        '00007f0748d44890',
        '002b',
        'ffffffffffffffffff',
        'ab',
        'ABCD',
      ),
      tail: fc.constantFrom('  ', ' ', '\t', '  ', 'X', '\u00a0', ''),
    });
    fc.assert(
      fc.property(
        fc.array(pair, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('', '', '', ' #', 'x'),
        (pairs, noise) => {
          const t = pairs.map((x) => x.name + x.sep + x.value + x.tail).join('') + noise;
          const mine: Record<string, string> = {};
          const ok = readRegisterLine(t, mine);
          if (!ok) {
            expect(mine).toEqual({});
            return;
          }
          yes++;
          expect(isRegisterLine(t), t).toBe(true);
          const theirs: Record<string, string> = {};
          readRegisters(t, theirs);
          expect(mine).toEqual(theirs);
        },
      ),
      { numRuns: 20000, seed: 17 },
    );
    // The generator must reach the yes branch often for the comparison to mean something.
    expect(yes).toBeGreaterThan(300);
  });

  it('is not fooled into saying no to every line (it reads most real ones)', () => {
    const lines = [
      'RIP: 00007f0aefb6aa00  RSP: 00007ffd79e99d4c  RFLAGS: 00000246',
      'R13: 0000000000000000  R14: 0000000000000000  R15: 0000000000000000',
    ];
    for (const l of lines) expect(readRegisterLine(l, {})).toBe(true);
  });
});

describe('readWords', () => {
  it('reads a word a reader tagged with the register it saves as the value before the tag', () => {
    expect(
      readWords('ffffbbd86271fe98: ffffbbd86271fef0 ffff941d45f98870[r14]', 9).map((w) => [w.at, w.value]),
    ).toEqual([
      ['ffffbbd86271fe98', 'ffffbbd86271fef0'],
      ['ffffbbd86271fea0', 'ffff941d45f98870'],
    ]);
    expect(readWords('ffffbf3ecfa8bdd0: ffffa0e401865500[rbp] ffffa0b6a1fc9980[r12]', 1).map((w) => w.value)).toEqual([
      'ffffa0e401865500',
      'ffffa0b6a1fc9980',
    ]);
  });
});

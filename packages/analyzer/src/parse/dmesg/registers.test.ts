import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readRegisterPairs, readX86RegisterLine } from './call-trace.js';

describe('readX86RegisterLine', () => {
  it('reads __show_regs lines', () => {
    const into: Record<string, string> = {};
    expect(readX86RegisterLine('RSP: 0018:ffffb8a1008cff61 EFLAGS: 00000002', into)).toBe(true);
    expect(readX86RegisterLine('RAX: 0000000000000101 RBX: ffff94b04c1d3a40 RCX: 0000000000000000', into)).toBe(true);
    expect(into).toEqual({
      rsp: 'ffffb8a1008cff61',
      eflags: '00000002',
      rax: '0000000000000101',
      rbx: 'ffff94b04c1d3a40',
      rcx: '0000000000000000',
    });
    expect(
      readX86RegisterLine('FS:  00007f1e5c9fe700(0000) GS:ffff9a0a3fc00000(0000) knlGS:0000000000000000', {}),
    ).toBe(false);
  });

  it('says yes only to lines whose pairs are exactly what the pattern reads', () => {
    let yes = 0;
    const pair = fc.record({
      name: fc.constantFrom(
        'RAX',
        'RSP',
        'R08',
        'EFLAGS',
        'CS',
        'CR0',
        'ORIG_RAX',
        'PKRU',
        'knlGS',
        'X',
        'TOOLONGNAME',
      ),
      sep: fc.constantFrom(': ', ':  ', ':   ', ': ', ':', ' :', ':    '),
      seg: fc.constantFrom('', '', '0018:', '0010:', 'zz:'),
      value: fc.constantFrom(
        'ffffb8a1008cff61',
        '00000002',
        '0010',
        'ab',
        'ffffffffffffffffff',
        'DEAD',
        '0000000080050033',
      ),
      tail: fc.constantFrom(' ', ' ', '  ', '(0000) ', '\t', ''),
    });
    fc.assert(
      fc.property(
        fc.array(pair, { minLength: 1, maxLength: 9 }),
        fc.constantFrom('', '', '', 'x', ' y'),
        (pairs, noise) => {
          const t = pairs.map((x) => x.name + x.sep + x.seg + x.value + x.tail).join('') + noise;
          const mine: Record<string, string> = {};
          if (!readX86RegisterLine(t, mine)) {
            expect(mine).toEqual({});
            return;
          }
          yes++;
          const theirs: Record<string, string> = {};
          readRegisterPairs(t, theirs);
          expect(mine, t).toEqual(theirs);
        },
      ),
      { numRuns: 20000, seed: 23 },
    );
    // The generator must reach the yes branch often for the comparison to mean something.
    expect(yes).toBeGreaterThan(100);
  });
});

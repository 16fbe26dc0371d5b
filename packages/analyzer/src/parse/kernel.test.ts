import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ANY_ARCH_HINT, hasDigitDotDigit, mayHintArch } from './kernel.js';

describe('mayHintArch', () => {
  it('says no only where no arch hint can match', () => {
    const pieces = [
      'RIP: 0010:',
      'RIP: ffffffff81000000 ',
      'RAX: ffffffffffffffda',
      'pc : ',
      'lr : ',
      'x29: ',
      'NIP: ',
      'Krnl PSW',
      'x86_64',
      'aarch64',
      'arm64',
      'ppc64le',
      's390x',
      ' ',
      '.',
      '-',
      'ffff8daf92226485',
      '64',
      'c64',
      '390',
      'el8.',
      'Linux version 5.15.0 ',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 6 }), (parts) => {
        const t = parts.join('');
        if (ANY_ARCH_HINT.test(t)) expect(mayHintArch(t), t).toBe(true);
      }),
      { numRuns: 20000, seed: 29 },
    );
  });
  it('turns away lockdep lines full of hex with 64 in them', () => {
    expect(
      mayHintArch('#1: ffff89470d41f6bf (&type->s_umount_key#30){+.+.}-{3:3}, at: do_remount_sb+0x3a/0x1d0 ffff8864'),
    ).toBe(false);
  });
});

describe('hasDigitDotDigit', () => {
  it(String.raw`agrees with /\d\.\d/` + ' on any text of digits, dots and letters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('1', '0', '.', '..', 'a', ' ', '5.15', 'x.', '.9', 'fn.cold'), { maxLength: 8 }),
        (parts) => {
          const t = parts.join('');
          expect(hasDigitDotDigit(t), t).toBe(/\d\.\d/.test(t));
        },
      ),
      { numRuns: 20000, seed: 31 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { splitLines } from '../text/lines.js';
import { strayLine } from './interleave.js';

const ours = (t: string) => t.startsWith('ours');

describe('strayLine', () => {
  it('with printk caller ids: a line of another caller, when ours goes on within 8 lines', () => {
    const lines = splitLines(
      ['[ 1.0][  T43] ours 1', '[ 1.1][ T99] theirs', '[ 1.2][  T43] ours 2', '[ 1.3][  T43] not ours'].join('\n'),
    );
    expect(strayLine(lines, 0, 1, ours)).toBe(true);
    // A line of our own caller is never a stray, whatever it says.
    expect(strayLine(lines, 0, 3, ours)).toBe(false);
    const far = splitLines(
      ['[ 1.0][  T43] ours 1', ...Array.from({ length: 9 }, () => '[ 1.1][ T99] theirs'), '[ 1.2][  T43] ours 2'].join(
        '\n',
      ),
    );
    expect(strayLine(far, 0, 1, ours)).toBe(false);
    const ended = splitLines(
      ['[ 1.0][  T43] ours 1', '[ 1.1][ T99] theirs', '[ 1.2][  T43] something else'].join('\n'),
    );
    expect(strayLine(ended, 0, 1, ours)).toBe(false);
  });

  it('without caller ids: one line between two of ours, only when asked (loose)', () => {
    const lines = splitLines(['ours 1', 'ours 2', 'a stray', 'ours 3', 'two', 'strays', 'ours 4'].join('\n'));
    expect(strayLine(lines, 0, 2, ours)).toBe(true);
    expect(strayLine(lines, 0, 2, ours, false)).toBe(false);
    expect(strayLine(lines, 0, 4, ours)).toBe(false);
  });
});

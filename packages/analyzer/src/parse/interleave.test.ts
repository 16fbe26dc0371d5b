import { describe, expect, it } from 'vitest';
import { splitLines } from '../text/lines.js';
import { isCsdReportLine, strayLine } from './interleave.js';
import { analyze } from '../analyze.js';

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

describe("other CPUs' csd reports printed into a waiter's dump", () => {
  // Seven CPUs wait for CPU 3 at once (LKML, 2023-04-28), trimmed.
  const dump = [
    '[   83.717630] CPU: 2 PID: 223 Comm: ipi_sender_3 Tainted: G           O       6.3.0 #163',
    '[   83.717747] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.15.0-1 04/01/2014',
    '[   83.717833] smp: \tcsd: CSD lock (#2) unresponsive.',
    '[   83.717895] Call Trace:',
    '[   83.718546] smp: \tcsd: CSD lock (#6) unresponsive.',
    '[   83.718565] smp: csd: Re-sending CSD lock (#6) IPI from CPU#01 to CPU#03',
    '[   83.719232] smp: csd: Re-sending CSD lock (#2) IPI from CPU#04 to CPU#03',
    '[   83.718200]  <TASK>',
    '[   83.718200]  dump_stack_lvl+0x37/0x50',
    '[   83.718200]  __csd_lock_wait+0x1df/0x280',
    '[   83.718200]  smp_call_function_single+0x166/0x1b0',
    '[   83.718200]  ipi_sender_thread_3+0x40/0x50 [smp_csd_study]',
    '[   83.718200]  </TASK>',
  ].join('\n');

  it('keeps the stack with its task line', () => {
    const doc = analyze(dump);
    const t = doc.tasks.find((x) => x.pid === 223)!;
    expect(t.frames.map((f) => f.fn)).toContain('ipi_sender_thread_3');
    expect(doc.tasks.filter((x) => x.pid === null)).toEqual([]);
  });

  it('still reads the csd lines themselves', () => {
    expect(isCsdReportLine('smp: \tcsd: CSD lock (#2) unresponsive.')).toBe(true);
    expect(isCsdReportLine('csd: Detected non-responsive CSD lock (#1) on CPU#5, waiting 5000000868 ns')).toBe(true);
    expect(isCsdReportLine('csdlock_debug=1')).toBe(false);
  });
});

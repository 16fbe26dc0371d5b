import { describe, expect, it } from 'vitest';
import { normalizeSpaces } from './spaces.js';
import { analyze } from '../analyze.js';

describe('normalizeSpaces', () => {
  it('makes no-break and other wide spaces ASCII, removes zero-width ones, keeps the lines', () => {
    const text =
      '\ufeff[\u00a0 4080.216212] INFO:\u00a0task rmmod:31969 blocked\u200b\r\n\u3000\u2009__schedule+0x2c4/0x700\n';
    const out = normalizeSpaces(text);
    expect(out).toBe('[  4080.216212] INFO: task rmmod:31969 blocked\r\n  __schedule+0x2c4/0x700\n');
    expect(out.split('\n').length).toBe(text.split('\n').length);
  });
  it('removes terminal colour sequences (dmesg --color=always saved to a file), keeps the lines', () => {
    const E = '\u001b';
    const text = `${E}[32m[ 4080.216212]${E}[0m ${E}[1mINFO: task rmmod:31969 blocked${E}[0m\n${E}[32m[ 4080.216235]${E}[0m  __schedule+0x2c4/0x700${E}[K\n`;
    expect(normalizeSpaces(text)).toBe(
      '[ 4080.216212] INFO: task rmmod:31969 blocked\n[ 4080.216235]  __schedule+0x2c4/0x700\n',
    );
    const doc = analyze(
      [
        '[ 4080.216212] INFO: task rmmod:31969 blocked for more than 120 seconds.',
        '[ 4080.216229] rmmod           D ffff8f1afdf55fe8     0 31969  31968 0x00000080',
        '[ 4080.216235] Call Trace:',
        '[ 4080.216245]  [<ffffffff9a567c49>] schedule+0x29/0x70',
        '[ 4080.216265]  [<ffffffff99ebb2b3>] flush_workqueue+0x12c/0x5b0',
      ]
        .map((l) => l.replace(/^(\[[ .0-9]+\])/, `${E}[32m$1${E}[0m`))
        .join('\n'),
    );
    expect(doc.tasks.find((t) => t.pid === 31969)?.frames.map((f) => f.fn)).toEqual(['schedule', 'flush_workqueue']);
    expect(doc.lineCount).toBe(5);
  });

  it('returns the same string when there is nothing to change', () => {
    const text = '[  1.0] plain\n';
    expect(normalizeSpaces(text)).toBe(text);
  });
  it('lets a hung-task report copied from a web page (no-break spaces) be read', () => {
    const report = [
      '[ 4080.216212] INFO: task rmmod:31969 blocked for more than 120 seconds.',
      '[ 4080.216229] rmmod           D ffff8f1afdf55fe8     0 31969  31968 0x00000080',
      '[ 4080.216235] Call Trace:',
      '[ 4080.216245]  [<ffffffff9a567c49>] schedule+0x29/0x70',
      '[ 4080.216258]  [<ffffffff9a567ffd>] wait_for_completion+0xfd/0x140',
      '[ 4080.216265]  [<ffffffff99ebb2b3>] flush_workqueue+0x12c/0x5b0',
    ].join('\n');
    const doc = analyze(report.replace(/ /g, '\u00a0'));
    expect(doc.tasks.map((t) => [t.pid, t.state, t.frames.length])).toEqual([[31969, 'D', 3]]);
  });
  it('makes a kmsg-escaped tab (\\x09) a tab, so an RCU stall CPU line names its CPU', () => {
    const text = [
      'rcu: INFO: rcu_sched detected stalls on CPUs/tasks:',
      'rcu: \\x092-...0: (1 GPs behind) idle=75d/0/0x1 softirq=8288/8289 fqs=931',
      '\\x09(detected by 0, t=2102 jiffies, g=13485, q=1635)',
    ].join('\n');
    expect(normalizeSpaces(text).split('\n')[1]).toBe(
      'rcu: \t2-...0: (1 GPs behind) idle=75d/0/0x1 softirq=8288/8289 fqs=931',
    );
    expect(analyze(text).cpus.find((c) => c.cpu === 2)?.stuck).toBe(true);
  });
});

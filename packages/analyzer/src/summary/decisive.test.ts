import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';

const RCU_STALL = [
  'rcu: INFO: rcu_sched self-detected stall on CPU',
  'rcu: \t3-....: (5249 ticks this GP) idle=8fc/1/0x4000000000000002 softirq=1123/1123 fqs=2608',
  '\t(t=5250 jiffies g=2253 q=116 ncpus=4)',
];
const SOFT = [
  'watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [bash:205]',
  'CPU: 3 PID: 205 Comm: bash Not tainted 6.6.0 #1',
  'pc : meson_uart_start_tx+0x5c/0x120',
  'Call trace:',
  ' meson_uart_start_tx+0x5c/0x120',
  ' uart_write+0x114/0x1e0',
];
const HARD = [
  'Watchdog detected hard LOCKUP on cpu 3',
  'CPU: 3 PID: 205 Comm: bash Not tainted 6.6.0 #1',
  'pc : meson_uart_start_tx+0x5c/0x120',
  'Call trace:',
  ' meson_uart_start_tx+0x5c/0x120',
  ' uart_write+0x114/0x1e0',
];
const HUNG = [
  'INFO: task jbd2/sda1-8:911 blocked for more than 120 seconds.',
  '      Not tainted 6.6.0 #1',
  'task:jbd2/sda1-8    state:D stack:0     pid:911   ppid:2      flags:0x00004000',
  'Call Trace:',
  ' __schedule+0x2c4/0x700',
  ' schedule+0x46/0xb0',
  ' jbd2_journal_commit_transaction+0x1f2/0x1a10',
];

describe('the kind of a text with several reports', () => {
  it('a hard lockup after the RCU stall it ended decides; the stall is listed', () => {
    const doc = analyze([...RCU_STALL, ...HARD].join('\n'));
    expect(doc.kind).toBe('hard_lockup');
    expect(doc.findings.filter((f) => f.kind === 'other_report').map((f) => f.summary)).toEqual([
      expect.stringContaining('INFO: rcu detected stall'),
    ]);
  });

  it('a soft lockup decides over the RCU self-stall it caused, in either order', () => {
    expect(analyze([...RCU_STALL, ...SOFT].join('\n')).kind).toBe('soft_lockup');
    expect(analyze([...SOFT, ...RCU_STALL].join('\n')).kind).toBe('soft_lockup');
  });

  it('a hung-task report decides over the sysrq-w output printed after it', () => {
    const doc = analyze(
      [
        ...HUNG,
        'sysrq: Show Blocked State',
        'task:kworker/u8:2    state:D stack:0     pid:77    ppid:2      flags:0x00004000',
        'Call Trace:',
        ' __schedule+0x2c4/0x700',
        ' io_schedule+0x12/0x40',
      ].join('\n'),
    );
    expect(doc.kind).toBe('hung_task');
    expect(doc.title).toContain('jbd2_journal_commit_transaction');
  });

  it('the panic says which report stopped the machine', () => {
    const doc = analyze(
      [
        ...HUNG,
        ...SOFT,
        'Kernel panic - not syncing: hung_task: blocked tasks',
        'CPU: 1 PID: 29 Comm: khungtaskd Not tainted 6.6.0 #1',
      ].join('\n'),
    );
    expect(doc.kind).toBe('hung_task');
    expect(doc.findings.some((f) => f.kind === 'other_report' && f.summary.includes('soft lockup'))).toBe(true);
  });
});

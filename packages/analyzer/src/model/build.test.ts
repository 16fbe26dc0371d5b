import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Records } from '../parse/records.js';
import { parseText } from '../parse/run.js';
import { buildModel, mergeSpans } from './build.js';

const rec = (pid: number | null, cpu: number | null, taskAddr: string | null) => ({
  pid,
  comm: 'x',
  state: null,
  cpu,
  taskAddr,
  frames: [],
  span: { line: 1, endLine: 1 },
  format: 'ps',
});

describe('the model’s task indexes', () => {
  it('find every task by its id and by pid, whatever its id looks like', () => {
    const records = new Records();
    for (const r of [
      rec(42, null, null),
      rec(12345678901, null, null),
      rec(0, 1, null),
      rec(0, 2, null),
      rec(null, null, 'ffff88003570de20'),
      rec(7, null, 'ffff880035700000'),
    ])
      records.addTask(r);
    const m = buildModel(records, '');
    for (const t of m.tasks) expect(m.taskById.get(t.id)).toBe(t);
    expect(m.tasks.map((t) => t.id)).toEqual([
      'task:42',
      'task:12345678901',
      'task:0@cpu1',
      'task:0@cpu2',
      'task:@ffff88003570de20',
      'task:7',
    ]);
    expect(m.taskByPid.get(42)?.id).toBe('task:42');
    expect(m.taskByPid.get(12345678901)?.id).toBe('task:12345678901');
    expect(m.taskByPid.get(0)).toBeUndefined();
    expect(m.taskById.get('task:042')).toBeUndefined();
    expect(m.taskById.get('task:43')).toBeUndefined();
    expect(m.taskById.get('task:0')).toBeUndefined();
    expect(m.taskByAddr.get('ffff880035700000')?.id).toBe('task:7');
  });
});

describe('mergeSpans', () => {
  // The reference: sort by start, then fold touching or overlapping spans together.
  const reference = (spans: { line: number; endLine: number }[]) => {
    const s = [...spans].sort((a, b) => a.line - b.line || a.endLine - b.endLine);
    const out: { line: number; endLine: number }[] = [];
    for (const x of s) {
      const last = out[out.length - 1];
      if (last && x.line <= last.endLine + 1) last.endLine = Math.max(last.endLine, x.endLine);
      else out.push({ ...x });
    }
    return out;
  };
  it('sorts and merges like the reference, at every length, without touching its input', () => {
    const span = fc
      .tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 5 }))
      .map(([line, len]) => ({ line, endLine: line + len }));
    fc.assert(
      fc.property(fc.array(span, { maxLength: 20 }), (spans) => {
        const before = JSON.stringify(spans);
        expect(mergeSpans(spans)).toEqual(reference(spans));
        expect(JSON.stringify(spans)).toBe(before);
      }),
      { numRuns: 5000, seed: 7 },
    );
  });
});

describe('a task seen on several CPUs', () => {
  it('is on the CPU of the last record that names one, not the first (it migrated)', () => {
    const records = new Records();
    records.addTask({ ...rec(9766, 0, null), span: { line: 1, endLine: 1 } });
    records.addTask({ ...rec(9766, 2, null), span: { line: 9, endLine: 9 } });
    records.addTask({ ...rec(9766, null, null), span: { line: 12, endLine: 12 } });
    const m = buildModel(records, '');
    expect(m.taskById.get('task:9766')?.cpu).toBe(2);
  });
});

describe('tasks an RCU stall report names by pid', () => {
  it('`Tasks blocked on level-0 rcu_node … P1234` makes task 1234 with no stack, evidenced by that line', () => {
    const text = [
      'INFO: rcu_preempt detected stalls on CPUs/tasks:',
      '\tTasks blocked on level-0 rcu_node (CPUs 0-3): P1234 P77',
      '\t(detected by 1, t=21002 jiffies, g=7, c=6, q=0)',
    ].join('\n');
    const { records } = parseText(text);
    const model = buildModel(records, text, null);
    expect(model.tasks.map((t) => [t.id, t.comm, t.frames.length, t.evidence])).toEqual([
      ['task:1234', null, 0, [{ line: 2, endLine: 2 }]],
      ['task:77', null, 0, [{ line: 2, endLine: 2 }]],
    ]);
  });
});

describe('a CPU dumped twice, registers then trace', () => {
  it('keeps the trace through the IP, not the register dump whose stack is its IP alone', () => {
    // arm32 show_regs cut by the sender after the registers (`[...]`), then the backtrace
    // under a second `CPU:` header (mmc review, linux-mmc 2020).
    const text = [
      'watchdog: BUG: soft lockup - CPU#3 stuck for 23s! [fsck.f2fs:962]',
      'CPU: 3 PID: 962 Comm: fsck.f2fs Not tainted 5.5.0-rc1 #95',
      'PC is at sdhci_card_busy+0x28/0x44 [sdhci]',
      'LR is at __mmc_switch+0x180/0x330 [mmc_core]',
      'pc : [<af03b118>]    lr : [<af009fcc>]    psr: 60000013',
      'sp : e79c9b38  ip : ee01dfd0  fp : 00f23d31',
      'CPU: 3 PID: 962 Comm: fsck.f2fs Not tainted 5.5.0-rc1 #95',
      '[...]',
      '[<b0101ab8>] (__irq_svc) from [<af03b118>] (sdhci_card_busy+0x28/0x44 [sdhci])',
      '[<af03b118>] (sdhci_card_busy [sdhci]) from [<af009fcc>] (__mmc_switch+0x180/0x330 [mmc_core])',
      '[<af009fcc>] (__mmc_switch [mmc_core]) from [<af00a3bc>] (mmc_run_bkops+0xdc/0x114 [mmc_core])',
    ].join('\n');
    const { records } = parseText(text);
    const m = buildModel(records, text, null);
    expect(m.taskById.get('task:962')?.frames.map((f) => f.fn)).toEqual([
      '__irq_svc',
      'sdhci_card_busy',
      '__mmc_switch',
      'mmc_run_bkops',
    ]);
  });
});

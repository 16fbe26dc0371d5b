import { describe, expect, it } from 'vitest';
import { FrameTable } from './frame-table.js';
import { Records, type ParsedFrame } from './records.js';

const pf = (fn: string, line: number, extra: Partial<ParsedFrame> = {}): ParsedFrame => ({
  fn,
  offset: '0x10',
  size: '0x20',
  module: null,
  addr: null,
  reliable: true,
  line,
  ...extra,
});

describe('FrameTable', () => {
  it('gives identical frames one object and identical stacks one array', () => {
    const s = new FrameTable();
    const a = s.stack([s.frame(pf('schedule', 10)), s.frame(pf('io_schedule', 11))]);
    const b = s.stack([s.frame(pf('schedule', 90)), s.frame(pf('io_schedule', 91))]);
    expect(b).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a[0])).toBe(true);
    expect('line' in a[0]).toBe(false);
  });

  it('tells apart many stacks whose numbers collide, and finds each again', () => {
    // 120,000 two-frame stacks make a few pairs with the same 32-bit number (birthday
    // bound): each distinct stack is still one array of its own.
    const s = new FrameTable();
    const frames = Array.from({ length: 400 }, (_, k) => s.frame(pf(`f${k}`, 1)));
    const seen = new Set<readonly unknown[]>();
    const firsts: (readonly unknown[])[] = [];
    let wrong = 0;
    for (let a = 0; a < 400; a++)
      for (let b = 0; b < 300; b++) {
        const st = s.stack([frames[a], frames[b]]);
        if (st[0] !== frames[a] || st[1] !== frames[b]) wrong++;
        seen.add(st);
        if (b === 299) firsts.push(st);
      }
    expect(wrong).toBe(0);
    expect(seen.size).toBe(120_000);
    for (let a = 0; a < 400; a++) expect(s.stack([frames[a], frames[299]])).toBe(firsts[a]);
  });

  it('keeps frames apart that differ in any field', () => {
    const s = new FrameTable();
    const base = s.frame(pf('f', 1));
    for (const extra of [
      { offset: '0x11' },
      { size: '0x21' },
      { module: 'm' },
      { addr: 'ffffffff81000000' },
      { reliable: false },
      { context: 'irq' as const },
      { isIp: true },
    ]) {
      expect(s.frame(pf('f', 1, extra))).not.toBe(base);
      expect(s.frame(pf('f', 2, extra))).toBe(s.frame(pf('f', 3, extra)));
    }
  });

  it('stays correct past the scanned variants (one function, thousands of call sites)', () => {
    const s = new FrameTable();
    const first = Array.from({ length: 5000 }, (_, i) =>
      s.frame(pf('schedule', i, { addr: 'ffffffff8' + i.toString(16).padStart(7, '0') })),
    );
    const again = Array.from({ length: 5000 }, (_, i) =>
      s.frame(pf('schedule', i + 1, { addr: 'ffffffff8' + i.toString(16).padStart(7, '0') })),
    );
    expect(again.every((f, i) => f === first[i])).toBe(true);
    expect(new Set(first).size).toBe(5000);
  });
});

describe('Records.addTask', () => {
  it('moves frame lines to frameLines and shares the stack between tasks', () => {
    const r = new Records();
    const t1 = r.addTask({
      pid: 1,
      comm: 'a',
      state: 'D',
      cpu: null,
      taskAddr: null,
      frames: [pf('schedule', 5), pf('io_schedule', 6)],
      span: { line: 4, endLine: 6 },
      format: 't',
    });
    const t2 = r.addTask({
      pid: 2,
      comm: 'b',
      state: 'D',
      cpu: null,
      taskAddr: null,
      frames: [pf('schedule', 8), pf('io_schedule', 9)],
      span: { line: 7, endLine: 9 },
      format: 't',
    });
    expect(t1.frameLines).toEqual([5, 6]);
    expect(t2.frameLines).toEqual([8, 9]);
    expect(t2.frames).toBe(t1.frames);
    expect(r.tasks).toEqual([t1, t2]);
  });
});

describe('FrameTable.fromText and withContext', () => {
  it('gives up its text memo when few texts repeat, and gives the same frames after', () => {
    const s = new FrameTable();
    let calls = 0;
    const parse = (t: string) => (calls++, pf(t, 0));
    const first = s.fromText('fn_0', parse)!;
    for (let i = 1; i < 20_000; i++) s.fromText(`fn_${i}`, parse);
    // Past the trial, with none found again: the text is parsed anew, its frame is the same.
    calls = 0;
    expect(s.fromText('fn_0', parse)).toBe(first);
    expect(calls).toBe(1);
  });
  it('parses a text once and gives its frame an interrupt-context twin', () => {
    const s = new FrameTable();
    let calls = 0;
    const parse = (t: string) => (calls++, t.startsWith('x') ? undefined : pf(t, 0));
    const a = s.fromText('schedule', parse)!;
    expect(s.fromText('schedule', parse)).toBe(a);
    expect(calls).toBe(1);
    expect(s.fromText('xyz', parse)).toBeUndefined();
    const irq = s.withContext(a, 'irq');
    expect(irq).not.toBe(a);
    expect(irq.context).toBe('irq');
    expect(s.withContext(a, 'irq')).toBe(irq);
    expect(s.frame({ ...pf('schedule', 3), context: 'irq' })).toBe(irq);
  });
  it('is one per run: another table shares none of its frames', () => {
    const a = new FrameTable().frame(pf('f', 1));
    expect(new FrameTable().frame(pf('f', 1))).not.toBe(a);
  });
});

describe('FrameTable stays linear on adversarial variants', () => {
  it('one function and offset with thousands of sizes and modules', () => {
    const s = new FrameTable();
    const make = (i: number) => pf('f', i, { size: '0x' + i.toString(16), module: i % 2 ? 'm' + i : null });
    const a = Array.from({ length: 20_000 }, (_, i) => s.frame(make(i)));
    const b = Array.from({ length: 20_000 }, (_, i) => s.frame(make(i)));
    expect(b.every((f, i) => f === a[i])).toBe(true);
    expect(new Set(a).size).toBe(20_000);
  });
});

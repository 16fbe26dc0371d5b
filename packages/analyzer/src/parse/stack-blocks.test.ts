import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { Records } from './records.js';
import { StackBlocks } from './stack-blocks.js';

describe('StackBlocks', () => {
  it('answers from the facts noted so far, before and after its index exists', () => {
    const records = new Records();
    const blocks = new StackBlocks(records);
    const a = { pid: 1, comm: 'a', taskAddr: null };
    const b = { pid: 2, comm: 'b', taskAddr: null };
    blocks.note('ffff8800356f3c48', a, { line: 1, endLine: 1 });
    expect(blocks.ownerOf('ffff8800356f0000')).toBe(a); // same 16 KiB block
    expect(blocks.ownerOf('ffff8800356f4000')).toBeNull(); // the next block
    blocks.note('ffff8800356f3f00', b, { line: 2, endLine: 2 });
    expect(blocks.ownerOf('ffff8800356f3cc0')).toBe(b); // the last fact wins
    expect(records.addresses.filter((f) => f.kind === 'stack')).toHaveLength(2);
  });

  it('puts header-less bt output on the task whose stack its frames are on', () => {
    const text = [
      'crash> bt 100',
      'PID: 100    TASK: ffff880035700000  CPU: 0   COMMAND: "first"',
      ' #0 [ffff880035010c48] __schedule at ffffffff8163a909',
      'crash> bt 4790',
      'PID: 4790   TASK: ffff88003570de20  CPU: 1   COMMAND: "kworker/1:2"',
      ' #0 [ffff8800356f3c48] __schedule at ffffffff8163a909',
      ' #1 [ffff8800356f3cb0] schedule at ffffffff8163b0d9',
      'crash> bt -f',
      ' #2 [ffff8800356f3cc0] schedule_preempt_disabled at ffffffff8163c829',
      '    ffff8800356f3cc8: ffff880035acf1e0 ffff880035acf1e8',
      ' #3 [ffff8800356f3cd0] __mutex_lock_slowpath at ffffffff8163a7a5',
    ].join('\n');
    const d = analyze(text);
    const owner = d.tasks.find((t) => t.pid === 4790)!;
    const first = d.tasks.find((t) => t.pid === 100)!;
    const covers = (t: typeof owner, line: number) => t.evidence.some((e) => e.line <= line && line <= e.endLine);
    expect(covers(owner, 9)).toBe(true);
    expect(covers(first, 9)).toBe(false);
  });
});

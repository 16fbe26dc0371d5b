import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { compactAnalysis, expandAnalysis, isCompact, stackKey } from './compact.js';
import type { AnalysisDocument } from './contract.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'seeds');
const seeds = readdirSync(dir).filter((n) => n.endsWith('.txt'));

describe('compact form', () => {
  it.each(seeds)('%s: expand(compact(doc)) is the document again, through JSON too', (name) => {
    const doc = analyze(readFileSync(join(dir, name), 'utf8'));
    const c = compactAnalysis(doc);
    expect(isCompact(c)).toBe(true);
    expect(c.tasks.every((t) => !('frames' in t) && Number.isInteger(t.stack))).toBe(true);
    expect(expandAnalysis(c)).toEqual(doc);
    // What the server stores is JSON: equal stacks from JSON are not identical arrays.
    const fromJson = JSON.parse(JSON.stringify(doc)) as AnalysisDocument;
    const c2 = compactAnalysis(fromJson);
    expect(c2.stacks.length).toBe(c.stacks.length);
    expect(expandAnalysis(JSON.parse(JSON.stringify(c2)))).toEqual(fromJson);
  });

  it('lists a stack shared by many tasks once', () => {
    const block = (pid: number) => [
      `[  100.000000] task:kworker/0:${pid} state:D stack:0 pid:${pid} ppid:2 flags:0x00004000`,
      '[  100.000001] Call Trace:',
      '[  100.000002]  __schedule+0x2e5/0x6d0',
      '[  100.000003]  schedule+0x3c/0xa0',
      '[  100.000004]  io_schedule+0x12/0x40',
    ];
    const text = ['sysrq: Show Blocked State', ...Array.from({ length: 50 }, (_, i) => block(100 + i)).flat()].join(
      '\n',
    );
    const doc = analyze(text);
    expect(doc.tasks.length).toBe(50);
    const c = compactAnalysis(doc);
    expect(c.stacks.length).toBe(1); // frames share no per-task fields (lines are in frameLines)
    expect(JSON.stringify(c).length).toBeLessThan(JSON.stringify(doc).length);
  });

  it('tells apart stacks that differ only in reliability or module', () => {
    const f = { fn: 'a', offset: '0x1', size: '0x2', module: null, addr: null, reliable: true };
    expect(stackKey([f])).not.toBe(stackKey([{ ...f, reliable: false }]));
    expect(stackKey([f])).not.toBe(stackKey([{ ...f, module: 'm' }]));
  });

  it('passes a full document through expand and a compact one through compact', () => {
    const doc = analyze('nothing to see');
    expect(expandAnalysis(doc)).toBe(doc);
    const c = compactAnalysis(doc);
    expect(compactAnalysis(c)).toBe(c);
  });
});

import { describe, expect, it } from 'vitest';
import { analyze, compactAnalysis, type AnalysisDocument } from '@hangscope/analyzer';
import { CRLF_UTF8_DUMP, HUNG_TASK_DUMP, sysrqDump } from '../__tests__/helpers.js';
import { compactJsonPieces } from './compact-encode.js';

describe('compactJsonPieces', () => {
  it('writes exactly JSON.stringify(compactAnalysis(doc)) and leaves the document as it was', () => {
    for (const text of [HUNG_TASK_DUMP, CRLF_UTF8_DUMP, sysrqDump(3000), 'nothing to see']) {
      const doc = analyze(text);
      const before = JSON.stringify(doc);
      const pieces = [...compactJsonPieces(doc)];
      expect(pieces.join('')).toBe(JSON.stringify(compactAnalysis(doc)));
      expect(JSON.stringify(doc)).toBe(before);
    }
  });

  it('equal stacks in different arrays share an index; empty tasks and odd members too', () => {
    const frame = (fn: string) => ({ fn, offset: null, size: null, module: null, addr: null, reliable: true });
    const doc = {
      schemaVersion: 1,
      skipped: undefined,
      tasks: [
        { id: 'a', frames: [frame('x'), frame('y')] },
        { id: 'b', frames: [frame('x'), frame('y')] }, // equal content, another array
        { frames: [] },
        { id: 'd', frames: [frame('z')], extra: { frames: 'nested stays' } },
      ],
      last: 'é"\\',
    } as unknown as AnalysisDocument;
    const json = [...compactJsonPieces(doc)].join('');
    expect(json).toBe(JSON.stringify(compactAnalysis(doc)));
    expect(JSON.parse(json).stacks).toHaveLength(3);
    // more than a megabyte: several pieces, same text
    const many = {
      ...doc,
      tasks: Array.from({ length: 50_000 }, (_, i) => ({
        id: `task:${i}`,
        comm: `kworker/${i}`,
        frames: doc.tasks[i % 4].frames,
      })),
    } as AnalysisDocument;
    const pieces = [...compactJsonPieces(many)];
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(JSON.stringify(compactAnalysis(many)));
  });
});

import { describe, expect, it } from 'vitest';
import { analyze, compactAnalysis, expandAnalysis } from '@hangscope/analyzer';
import { HUNG_TASK_DUMP, sysrqDump } from '../__tests__/helpers.js';
import { chunked, expandCompactJson, fullJsonPieces, parseFullDocument } from './compact-json.js';

const expand = (json: string) => {
  const { pieces, length } = expandCompactJson(Buffer.from(json));
  const out = Buffer.concat(pieces);
  expect(out.length).toBe(length);
  return out.toString('utf8');
};

describe('expandCompactJson', () => {
  it('writes exactly JSON.stringify(expandAnalysis(doc)) for analyses of real dumps', () => {
    for (const text of [HUNG_TASK_DUMP, sysrqDump(300)]) {
      const compact = compactAnalysis(analyze(text));
      expect(compact.stacks.length).toBeLessThan(compact.tasks.length + 1);
      const json = JSON.stringify(compact);
      expect(expand(json)).toBe(JSON.stringify(expandAnalysis(JSON.parse(json))));
      expect(JSON.parse(expand(json))).toEqual(JSON.parse(JSON.stringify(analyze(text))));
    }
  });

  it('is not fooled by keys and brackets inside strings, nested "stack" keys, member order or bad indexes', () => {
    const doc = {
      title: 'a "stack":0} ], { "tasks": [ \\" \\\\',
      compact: 1,
      tasks: [
        { id: 't1', comm: '"stack":1}', nested: { stack: 1, arr: [[{ stack: 0 }]] }, stack: 1 },
        { stack: 0, id: 't2' }, // stack first
        { id: 't3' }, // no stack: copied as is
        { id: 't4', stack: 7 }, // no such stack: no frames
        { id: 't5', stack: -1 },
        {},
      ],
      stacks: [[{ fn: 'a]}"x' }], [{ fn: 'b' }, { fn: 'c\\u0000', offset: null }]],
      unicode: 'ü ✓ \u2028',
      last: null,
    };
    const out = JSON.parse(expand(JSON.stringify(doc)));
    expect(out).toEqual({
      title: doc.title,
      tasks: [
        { id: 't1', comm: '"stack":1}', nested: { stack: 1, arr: [[{ stack: 0 }]] }, frames: doc.stacks[1] },
        { frames: doc.stacks[0], id: 't2' },
        { id: 't3' },
        { id: 't4', frames: [] },
        { id: 't5', frames: [] },
        {},
      ],
      unicode: doc.unicode,
      last: null,
    });
    // the dropped members at the end and at the start
    expect(JSON.parse(expand('{"compact":1,"tasks":[{"stack":0}],"stacks":[[1]]}'))).toEqual({
      tasks: [{ frames: [1] }],
    });
    expect(JSON.parse(expand('{"stacks":[],"compact":1}'))).toEqual({});
    expect(JSON.parse(expand('{}'))).toEqual({});
  });

  it('refuses what JSON.stringify did not write instead of sending half a document', () => {
    for (const bad of ['', '[]', '{"a":1', '{"a":"x}', '{"tasks":[{"stack":1}}', '{"a":1} ', '{ "a":1}']) {
      expect(() => expandCompactJson(Buffer.from(bad)), bad).toThrow(/compact analysis JSON/);
    }
  });

  it('fullJsonPieces passes a full document through; parseFullDocument expands', () => {
    const full = analyze(HUNG_TASK_DUMP);
    const json = Buffer.from(JSON.stringify(full));
    expect(Buffer.concat(fullJsonPieces({ form: 'full', json }).pieces).equals(json)).toBe(true);
    const compact = Buffer.from(JSON.stringify(compactAnalysis(full)));
    expect(parseFullDocument({ form: 'compact', json: compact })).toEqual(
      JSON.parse(JSON.stringify(expandAnalysis(JSON.parse(compact.toString())))),
    );
    expect(parseFullDocument({ form: 'full', json: Buffer.from('null') })).toBeNull();
  });

  it('chunked joins pieces into writes of about the given size', () => {
    const pieces = Array.from({ length: 100 }, (_, i) => Buffer.from(String(i % 10).repeat(7)));
    const chunks = [...chunked(pieces, 50)];
    expect(Buffer.concat(chunks).equals(Buffer.concat(pieces))).toBe(true);
    expect(chunks.every((c, i) => c.length >= 50 || i === chunks.length - 1)).toBe(true);
    expect([...chunked([], 50)]).toEqual([]);
  });
});

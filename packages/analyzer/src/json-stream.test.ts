import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { batched, jsonChunks } from './json-stream.js';

const whole = (v: unknown) => [...batched(jsonChunks(v), 7)].join('');

describe('jsonChunks', () => {
  it('writes exactly what JSON.stringify writes, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(whole(v)).toBe(JSON.stringify(v));
      }),
    );
  });

  it('drops undefined fields and writes undefined array elements as null, as JSON.stringify does', () => {
    const v = { a: undefined, b: [1, undefined, { c: undefined, d: 2 }], e: { f: [undefined] } };
    expect(whole(v)).toBe(JSON.stringify(v));
  });

  it('writes an analysis document byte for byte as JSON.stringify', () => {
    const doc = analyze(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'seeds', 'seed001.txt'), 'utf8'));
    expect(whole(doc)).toBe(JSON.stringify(doc));
  });
});

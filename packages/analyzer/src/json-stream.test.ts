import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { analyze } from './analyze.js';
import { batched, jsonChunks } from './json-stream.js';
import { FrameTable } from './parse/frame-table.js';

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

  it('writes lists shared by many elements (interned stacks) as JSON.stringify writes each', () => {
    const frame = (fn: string) => Object.freeze({ fn, offset: '0x10', module: null, reliable: true });
    const stack = Object.freeze([frame('__schedule'), frame('io_schedule'), frame('folio_wait_bit')]);
    // Frozen, but its element holds an object: never reused, written each time.
    const deep = Object.freeze([Object.freeze({ fn: 'x', regs: { rip: '1' } })]);
    const tasks = Array.from({ length: 5 }, (_, i) => ({ pid: i, frames: stack, deep, lines: [i], gone: undefined }));
    const doc = { tasks, other: [{ frames: stack }, { frames: Object.freeze([]) }] };
    expect(whole(doc)).toBe(JSON.stringify(doc));
    deep[0].regs.rip = '2';
    expect(whole(doc)).toBe(JSON.stringify(doc));
  });

  it('writes elements holding frozen lists exactly as JSON.stringify, whatever their other fields', () => {
    const frozenList = fc
      .array(fc.record({ fn: fc.string(), offset: fc.option(fc.string()) }), { minLength: 1, maxLength: 3 })
      .map((l) => Object.freeze(l.map((f) => Object.freeze(f))));
    const field = fc.oneof(fc.jsonValue(), fc.constant(undefined), frozenList, fc.constant(Object.freeze([])));
    const element = fc.array(fc.tuple(fc.oneof(fc.string(), fc.constant('__proto__')), field)).map((pairs) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of pairs) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true });
      return o;
    });
    fc.assert(
      fc.property(fc.array(element, { maxLength: 4 }), (tasks) => {
        const doc = { tasks: [...tasks, ...tasks] };
        expect(whole(doc)).toBe(JSON.stringify(doc));
      }),
    );
  });

  it("writes the frame table's interned stacks once, not once per task", () => {
    const table = new FrameTable();
    const f = (fn: string, offset: string) =>
      table.frame({ fn, offset, size: '0x100', module: null, addr: null, reliable: true });
    const stack = table.stack([f('__schedule', '0x10'), f('io_schedule', '0x20')]);
    const tasks = Array.from({ length: 6 }, (_, i) => ({ pid: i, frames: stack, frameLines: [i, i + 1] }));
    const expected = JSON.stringify({ tasks });
    const spy = vi.spyOn(JSON, 'stringify');
    try {
      expect(whole({ tasks })).toBe(expected);
      // Seen once, kept on the second sight, then reused.
      expect(spy.mock.calls.filter(([v]) => v === stack).length).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('writes an analysis document byte for byte as JSON.stringify', () => {
    const doc = analyze(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'seeds', 'seed001.txt'), 'utf8'));
    expect(whole(doc)).toBe(JSON.stringify(doc));
  });
});

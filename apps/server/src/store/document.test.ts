import { randomBytes } from 'node:crypto';
import { crc32, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyze } from '@hangscope/analyzer';
import { HUNG_TASK_DUMP } from '../__tests__/helpers.js';
import {
  compressDocument,
  compressDocumentStreaming,
  crc32Combine,
  gzipAround,
  inflateDocument,
  inflateDocumentSync,
  jsonPieces,
} from './document.js';

describe('stored analysis documents', () => {
  it('crc32Combine equals the CRC-32 of the concatenation', () => {
    for (const [a, b] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [7, 13],
      [300, 70_000],
      [65_536, 1],
      [1000, 1_048_577],
      [3, 5_000_001],
    ]) {
      const x = randomBytes(a);
      const y = randomBytes(b);
      expect(crc32Combine(crc32(x), crc32(y), y.length), `${a}+${b}`).toBe(crc32(Buffer.concat([x, y])));
    }
  });

  it('round-trips, and a gzip member around it decodes to head + JSON + tail', async () => {
    const json = JSON.stringify({
      tasks: Array.from({ length: 5000 }, (_, i) => ({ id: `task:${i}`, comm: 'kworker/ü', fn: 'mutex_lock' })),
    });
    const doc = compressDocument(json);
    expect(doc.length).toBe(Buffer.byteLength(json));
    expect(doc.data.length).toBeLessThan(doc.length / 5);
    expect((await inflateDocument(doc.data)).toString('utf8')).toBe(json);
    expect(inflateDocumentSync(doc.data).toString('utf8')).toBe(json);
    const head = Buffer.from('{"id":"x","title":"ä ✓","analysis":');
    const gz = Buffer.concat(gzipAround(head, doc, Buffer.from('}')));
    const plain = gunzipSync(gz);
    expect(plain.toString('utf8')).toBe(`${head.toString('utf8')}${json}}`);
    expect(JSON.parse(plain.toString('utf8')).analysis).toEqual(JSON.parse(json));
  });

  it('head and tail longer than one stored block (64 KiB) frame correctly', () => {
    const doc = compressDocument('[1,2,3]');
    const head = Buffer.from(`{"t":"${'h'.repeat(150_000)}","analysis":`);
    const tail = Buffer.from(`,"z":"${'t'.repeat(70_000)}"}`);
    expect(gunzipSync(Buffer.concat(gzipAround(head, doc, tail))).toString()).toBe(`${head}[1,2,3]${tail}`);
  });

  it('an empty or tiny document frames correctly too', () => {
    for (const json of ['null', '{}', '']) {
      const gz = Buffer.concat(gzipAround(Buffer.from('{"a":'), compressDocument(json), Buffer.from('}')));
      expect(gunzipSync(gz).toString()).toBe(`{"a":${json}}`);
    }
  });

  it('the streaming encoder writes exactly JSON.stringify, in pieces, and the same stored form', async () => {
    const tricky = {
      a: undefined,
      b: [1, undefined, () => 1, Symbol('x'), null, { c: undefined, d: 'é"\\\n' }],
      when: new Date(0),
      nested: { deep: [[1, [2]], { x: [] }], empty: {} },
      f: () => 1,
      last: 'ok',
    };
    for (const value of [tricky, [], {}, null, 'text', 3, analyze(HUNG_TASK_DUMP)]) {
      const expected = JSON.stringify(value);
      expect([...jsonPieces(value, 2)].join('')).toBe(expected);
      const streamed = await compressDocumentStreaming(value);
      const plain = compressDocument(expected);
      expect(inflateDocumentSync(streamed.data).toString('utf8')).toBe(expected);
      expect({ crc32: streamed.crc32, length: streamed.length }).toEqual({ crc32: plain.crc32, length: plain.length });
    }
    // more than one piece: several MB of tasks
    const big = {
      tasks: Array.from({ length: 40_000 }, (_, i) => ({
        id: `task:${i}`,
        frames: [{ fn: `fn_${i % 977}`, offset: '0x1f' }],
      })),
      tail: 'end',
    };
    const json = JSON.stringify(big);
    expect(json.length).toBeGreaterThan(2 * 1024 * 1024);
    const streamed = await compressDocumentStreaming(big);
    expect(inflateDocumentSync(streamed.data).toString('utf8')).toBe(json);
    expect(streamed.length).toBe(Buffer.byteLength(json));
    expect(gunzipSync(Buffer.concat(gzipAround(Buffer.from('{"x":'), streamed, Buffer.from('}')))).toString()).toBe(
      `{"x":${json}}`,
    );
  });
});

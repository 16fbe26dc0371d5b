import { randomBytes } from 'node:crypto';
import { crc32, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressDocument, crc32Combine, gzipAround, inflateDocument, inflateDocumentSync } from './document.js';

describe('stored analysis documents', () => {
  it('crc32Combine equals the CRC-32 of the concatenation', () => {
    for (const [a, b] of [[0, 0], [1, 0], [0, 1], [7, 13], [300, 70_000], [65_536, 1], [1000, 1_048_577]]) {
      const x = randomBytes(a);
      const y = randomBytes(b);
      expect(crc32Combine(crc32(x), crc32(y), y.length), `${a}+${b}`).toBe(crc32(Buffer.concat([x, y])));
    }
  });

  it('round-trips, and a gzip member around it decodes to head + JSON + tail', async () => {
    const json = JSON.stringify({ tasks: Array.from({ length: 5000 }, (_, i) => ({ id: `task:${i}`, comm: 'kworker/ü', fn: 'mutex_lock' })) });
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

  it('an empty or tiny document frames correctly too', () => {
    for (const json of ['null', '{}', '']) {
      const gz = Buffer.concat(gzipAround(Buffer.from('{"a":'), compressDocument(json), Buffer.from('}')));
      expect(gunzipSync(gz).toString()).toBe(`{"a":${json}}`);
    }
  });
});

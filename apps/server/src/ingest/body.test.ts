import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLimited } from './body.js';

const stream = (chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)), { objectMode: false });

describe('readLimited', () => {
  it('gives the same bytes whether the size was announced, announced wrong, or not at all', async () => {
    const chunks = ['hello ', 'wor', 'ld', '!'];
    for (const expected of [undefined, 12, 5, 40, 0, -1, Number.NaN]) {
      const out = await readLimited(stream(chunks), 100, expected);
      expect(out.toString(), String(expected)).toBe('hello world!');
    }
  });

  it('413 past the limit, announced or not', async () => {
    await expect(readLimited(stream(['x'.repeat(60), 'y'.repeat(60)]), 100, 50)).rejects.toMatchObject({ statusCode: 413 });
    await expect(readLimited(stream(['x'.repeat(60), 'y'.repeat(60)]), 100)).rejects.toMatchObject({ statusCode: 413 });
  });
});

import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InflightBudget } from './budget.js';
import { readLimited } from './body.js';

const stream = (chunks: string[]) =>
  Readable.from(
    chunks.map((c) => Buffer.from(c)),
    { objectMode: false },
  );

describe('readLimited', () => {
  it('gives the bytes as sent, in one or many chunks', async () => {
    expect((await readLimited(stream(['hello ', 'wor', 'ld', '!']), 100)).toString()).toBe('hello world!');
    expect((await readLimited(stream(['one chunk']), 100)).toString()).toBe('one chunk');
    expect((await readLimited(stream([]), 100)).length).toBe(0);
  });

  it('413 past the limit', async () => {
    await expect(readLimited(stream(['x'.repeat(60), 'y'.repeat(60)]), 100)).rejects.toMatchObject({ statusCode: 413 });
  });

  it('grows the reservation as bytes arrive past it, and answers 503 with Retry-After when the budget has no room', async () => {
    const budget = new InflightBudget(100);
    const r = budget.reserve(10)!;
    expect((await readLimited(stream(['x'.repeat(30), 'y'.repeat(30)]), 1000, { reservation: r })).length).toBe(60);
    expect(r.bytes).toBe(60);
    expect(budget.inUse).toBe(60);
    const other = budget.reserve(20)!;
    await expect(
      readLimited(stream(['z'.repeat(50)]), 1000, { reservation: other, retryAfterS: 7 }),
    ).rejects.toMatchObject({
      statusCode: 503,
      error: 'busy',
      headers: { 'retry-after': '7' },
    });
    r.release();
    other.release();
    other.release();
    expect(budget.inUse).toBe(0);
  });

  it('a body that does not arrive in time is a 408, whatever it announced', async () => {
    const slow = new PassThrough();
    slow.write('a byte a second…');
    const t0 = Date.now();
    await expect(readLimited(slow, 1000, { timeoutMs: 200 })).rejects.toMatchObject({
      statusCode: 408,
      error: 'body_timeout',
    });
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('InflightBudget', () => {
  it('refuses a reservation that does not fit, and frees what is released', () => {
    const b = new InflightBudget(100);
    const a = b.reserve(70)!;
    expect(b.reserve(31)).toBeNull();
    const c = b.reserve(30)!;
    expect(c.grow(1)).toBe(false);
    a.release();
    expect(c.grow(50)).toBe(true);
    expect(b.inUse).toBe(80);
    c.release();
    expect(b.inUse).toBe(0);
  });
});
